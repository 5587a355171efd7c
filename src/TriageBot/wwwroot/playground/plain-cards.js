// TriageBot playground: the plain card rendering, used when the official Adaptive Cards renderer is not installed,
// and the text helpers both renderings share. Loaded before playground.js.
"use strict";

window.TriagePlain = (() => {
  // ---- text: the card renderer on the server escapes people's text as Markdown; show it as plain text.
  const MENTION = /(^|[^\\])<at>([^<]{0,80})<\/at>/g;
  function plainText(markdown) {
    return String(markdown ?? "")
      .replace(MENTION, (_, pre, name) => pre + "@" + name)
      .replace(/\\(.)/g, "$1")
      .replace(/\u200B/g, "");
  }
  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function render(card, onAction, onChange) {
    const root = document.createElement("div");
    root.className = "card plain-card";
    const inputs = [];
    const addElements = (items, parent) => {
      for (const el of items || []) {
        switch (el.type) {
          case "TextBlock": {
            const p = document.createElement(el.size === "Large" || el.size === "Medium" ? "h3" : "p");
            p.textContent = plainText(el.text);
            if (el.color === "Attention" || el.color === "Warning") p.className = "warn";
            parent.appendChild(p);
            break;
          }
          case "FactSet": {
            const dl = document.createElement("dl");
            for (const f of el.facts || []) {
              const dt = document.createElement("dt"); dt.textContent = plainText(f.title);
              const dd = document.createElement("dd"); dd.textContent = plainText(f.value);
              dl.append(dt, dd);
            }
            parent.appendChild(dl);
            break;
          }
          case "ActionSet":
            addActions(el.actions, parent);
            break;
          case "Container":
            addElements(el.items, parent);
            break;
          case "Image": {
            const img = document.createElement("img");
            img.src = el.url;
            img.alt = el.altText || "";
            img.className = "card-image";
            parent.appendChild(img);
            break;
          }
          default:
            if (typeof el.type === "string" && el.type.startsWith("Input.")) addInput(el, parent);
        }
      }
    };
    const addInput = (el, parent) => {
      const id = "plain-" + Math.random().toString(36).slice(2);
      const label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = el.label || el.title || el.id;
      let input;
      if (el.type === "Input.ChoiceSet") {
        input = document.createElement("select");
        input.appendChild(new Option("", ""));
        for (const c of el.choices || []) input.appendChild(new Option(c.title, c.value, false, c.value === el.value));
      } else if (el.type === "Input.Toggle") {
        input = document.createElement("input");
        input.type = "checkbox";
        input.checked = el.value === (el.valueOn || "true");
      } else if (el.type === "Input.Text" && el.isMultiline) {
        input = document.createElement("textarea");
        input.value = el.value || "";
      } else {
        input = document.createElement("input");
        input.type = el.type === "Input.Number" ? "number" : el.type === "Input.Date" ? "date" : "text";
        input.value = el.value ?? "";
      }
      input.id = id;
      const wrap = document.createElement("div");
      wrap.className = "field";
      wrap.append(label, input);
      parent.appendChild(wrap);
      inputs.push({ el, input });
      if (onChange) input.addEventListener("change", () => onChange(el.id, values()));
    };
    const values = () => {
      const v = {};
      for (const { el, input } of inputs) {
        v[el.id] = el.type === "Input.Toggle" ? (input.checked ? el.valueOn || "true" : el.valueOff || "false") : input.value;
      }
      return v;
    };
    const addActions = (actions, parent) => {
      const bar = document.createElement("div");
      bar.className = "actions";
      for (const a of actions || []) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = a.title;
        b.addEventListener("click", () => onAction({ type: a.type, verb: a.verb, data: Object.assign({}, a.data || {}, values()), url: a.url }));
        bar.appendChild(b);
      }
      parent.appendChild(bar);
    };
    addElements(card.body, root);
    addActions(card.actions, root);
    return root;
  }

  return { plainText, escapeHtml, render };
})();
