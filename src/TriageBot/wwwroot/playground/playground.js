// TriageBot playground: a chat-like page over the playground API. Cards are rendered by the official
// Adaptive Cards renderer when it is installed, else by the plain rendering in plain-cards.js.
"use strict";

(() => {
  const state = { version: 0, entries: new Map(), nodes: new Map(), replies: new Map(), as: "priya", channel: "triage", thread: null, dialog: null, people: [], generation: 0 };
  const $ = (id) => document.getElementById(id);
  const rich = typeof window.AdaptiveCards !== "undefined";

  // ---- text: plain-cards.js shows people's text (escaped as Markdown by the server) as plain text.
  const { plainText, escapeHtml, render: renderPlain } = window.TriagePlain;
  if (rich) {
    // Paragraphs only, every character escaped: no link or markup from people's text can survive.
    window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
      result.outputHtml = plainText(text).split(/\n\n+/).map((p) => "<p>" + escapeHtml(p) + "</p>").join("");
      result.didProcess = true;
    };
  }

  // ---- card rendering
  // Text colours that meet WCAG AA on white (the renderer's default warning orange is 2.4:1).
  const colours = (fg) => ({ default: fg, subtle: fg });
  const foregroundColors = {
    default: { default: "#1b1b1b", subtle: "#4a4a4a" }, dark: colours("#1b1b1b"), light: colours("#ffffff"),
    accent: colours("#1f4e8c"), good: colours("#1e6b2e"), warning: colours("#8a4b00"), attention: colours("#a3320b"),
  };
  const hostConfig = rich ? new window.AdaptiveCards.HostConfig({
    fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    containerStyles: {
      default: { backgroundColor: "#FFFFFF", foregroundColors },
      emphasis: { backgroundColor: "#F3F5F8", foregroundColors },
    },
  }) : null;

  // onChange(inputId, values): an input's value changed, with every input's current value.
  function renderCard(card, onAction, onChange) {
    if (rich) {
      const ac = new window.AdaptiveCards.AdaptiveCard();
      ac.hostConfig = hostConfig;
      ac.onExecuteAction = (action) => onAction({
        type: action.getJsonTypeName(),
        verb: action.verb,
        data: action.data || {},
        url: action.url,
      });
      if (onChange) {
        ac.onInputValueChanged = (input) => {
          const values = {};
          for (const i of ac.getAllInputs()) {
            // An empty number input reads as NaN: it was not typed, so it is not sent.
            if (i.id && i.value !== undefined && i.value !== null && !(typeof i.value === "number" && isNaN(i.value))) values[i.id] = String(i.value);
          }
          onChange(input.id, values);
        };
      }
      ac.parse(card);
      const el = ac.render();
      el.classList.add("card");
      return el;
    }
    return renderPlain(card, onAction, onChange);
  }

  // A choice that redraws its form (the intake's stream) is followed by an ActionSet whose button carries data.refreshForm.
  function redrawOf(card) {
    const body = card.body || [];
    for (let i = 1; i < body.length; i++) {
      const action = body[i].type === "ActionSet" ? (body[i].actions || []).find((a) => a.data && a.data.refreshForm) : null;
      if (action) return { inputId: body[i - 1].id, action };
    }
    return null;
  }

  // ---- talking to the server
  async function post(path, body) {
    const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(json.detail || json.error || ("HTTP " + response.status));
    return json;
  }

  function status(text) { $("status").textContent = text; }

  async function interact(payload, context) {
    const ctx = context || { channel: state.channel, thread: state.thread, messageId: null };
    try {
      const result = await post("/playground/api/interact", Object.assign({ as: state.as, channel: ctx.channel, thread: ctx.thread, messageId: ctx.messageId }, payload));
      handleOutcome(result, ctx);
    } catch (e) {
      status("Error: " + e.message);
    }
  }

  function handleOutcome(result, ctx) {
    switch (result.kind) {
      case "form":
      case "formErrors":
        openDialog(result.card, ctx);
        break;
      case "close":
        closeDialog();
        poll({ follow: true });
        break;
      case "reply":
        poll({ follow: true });
        break;
      case "posted":
        poll({ follow: true });
        break;
      case "updated":
        poll();
        break;
      default:
        break;
    }
  }

  // A card action becomes what Teams would send: a button (verb + arg) or a form submission (formId + arg + inputs).
  function actionHandler(ctx) {
    return (action) => {
      if (action.type === "Action.OpenUrl") {
        if (action.url) window.open(action.url, "_blank", "noopener");
        return;
      }
      const data = action.data || {};
      if (action.type === "Action.Submit" && data.refreshForm) {
        const values = {};
        for (const [k, v] of Object.entries(data)) {
          if (k !== "refreshForm" && k !== "arg" && k !== "openedBy" && v !== undefined && v !== null) values[k] = String(v);
        }
        interact({ refresh: { formId: data.refreshForm, arg: data.arg ?? null, values } }, ctx);
      } else if (action.type === "Action.Submit" || (action.type === "Action.Execute" && action.verb === "submit")) {
        const values = {};
        for (const [k, v] of Object.entries(data)) {
          if (k !== "formId" && k !== "arg" && v !== undefined && v !== null) values[k] = String(v);
        }
        interact({ submit: { formId: data.formId, arg: data.arg ?? null, values } }, ctx);
      } else if (action.type === "Action.Execute") {
        interact({ action: { id: action.verb, arg: data.arg ?? null } }, ctx);
      }
    };
  }

  // ---- dialog
  function openDialog(card, ctx) {
    state.dialog = ctx;
    const body = $("form-body");
    const handler = actionHandler(ctx);
    // Choosing another stream shows its fields at once: the change sends the redraw, with everything typed so far.
    const redraw = redrawOf(card);
    const onChange = redraw ? (id, values) => {
      if (id === redraw.inputId) handler({ type: "Action.Submit", data: Object.assign({}, redraw.action.data, values) });
    } : null;
    body.replaceChildren(renderCard(card, handler, onChange));
    const dialog = $("form-dialog");
    if (!dialog.open) dialog.showModal();
  }
  function closeDialog() {
    const dialog = $("form-dialog");
    if (dialog.open) dialog.close();
    $("form-body").replaceChildren();
    state.dialog = null;
  }

  // ---- feed
  function messageNode(entry) {
    const node = document.createElement("article");
    node.className = "msg" + (entry.fromBot ? " bot" : " person") + (entry.to ? " private" : "");
    node.dataset.id = entry.id;
    fillMessage(node, entry);
    return node;
  }

  function fillMessage(node, entry) {
    const head = document.createElement("p");
    head.className = "who";
    const time = new Date(entry.at);
    head.textContent = entry.author + " · " + time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    if (entry.to) {
      const mark = document.createElement("span");
      mark.className = "only-you";
      mark.textContent = "Only visible to you";
      head.append(" ", mark);
    }
    const content = document.createElement("div");
    content.className = "content";
    if (entry.card) {
      content.appendChild(renderCard(entry.card, actionHandler({ channel: entry.channel, thread: entry.thread, messageId: entry.id })));
    } else {
      content.textContent = entry.text;
    }
    const parts = [head, content];
    if (!entry.thread) {
      let replies = state.replies.get(entry.id);
      if (!replies) {
        replies = document.createElement("div");
        replies.className = "replies";
        state.replies.set(entry.id, replies);
      }
      const reply = document.createElement("button");
      reply.type = "button";
      reply.className = "reply-link";
      reply.textContent = "Reply in thread";
      reply.addEventListener("click", () => enterThread(entry.id));
      parts.push(reply);
      if (state.thread !== entry.id) parts.push(replies);
    }
    node.replaceChildren(...parts);
  }

  // Returns the new node, or null when an existing message was updated in place.
  function upsert(entry) {
    state.entries.set(entry.id, entry);
    let node = state.nodes.get(entry.id);
    if (node) {
      fillMessage(node, entry);
      node.hidden = entry.channel !== state.channel;
      return null;
    }
    node = messageNode(entry);
    state.nodes.set(entry.id, node);
    const parent = entry.thread ? state.replies.get(entry.thread) : null;
    (parent || $("feed")).appendChild(node);
    node.hidden = entry.channel !== state.channel;
    return node;
  }

  // The view follows new messages like a chat: when the person was already at the bottom, or the message answers them.
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 80; }
  function scrollerOf(node) { return node.closest("#thread-pane") ? $("thread-pane") : $("feed"); }
  function follow(node) {
    const scroller = scrollerOf(node);
    scroller.scrollTop = scroller.scrollHeight;
    node.scrollIntoView({ block: "nearest" });
    followImages(node, scroller);
  }
  // A message updated in place (an acknowledgement turned into its answer) keeps a person who was at the end there.
  function stayAtEnd(node) {
    const scroller = scrollerOf(node);
    scroller.scrollTop = scroller.scrollHeight;
    followImages(node, scroller);
  }
  // A chart arrives after its card: follow again once it has its height.
  function followImages(node, scroller) {
    for (const img of node.querySelectorAll("img")) {
      if (!img.complete) img.addEventListener("load", () => { scroller.scrollTop = scroller.scrollHeight; }, { once: true });
    }
  }

  let polling = null;
  async function poll(options) {
    const wantFollow = options && options.follow;
    if (polling) { await polling; if (!wantFollow) return; }
    const generation = state.generation;
    polling = (async () => {
      try {
        const atBottom = nearBottom($("feed"));
        const response = await fetch("/playground/api/feed?after=" + state.version + "&as=" + encodeURIComponent(state.as));
        if (!response.ok || generation !== state.generation) return;
        const body = await response.json();
        let last = null, updated = null;
        for (const entry of body.entries) {
          const node = upsert(entry);
          if (node && !node.hidden) last = node;
          const shown = node ? null : state.nodes.get(entry.id);
          if (shown && !shown.hidden) updated = shown;
        }
        state.version = Math.max(state.version, body.version);
        const following = atBottom || wantFollow || state.following;
        if (last && following) follow(last);
        if (updated && (last ? following : atBottom)) stayAtEnd(updated);
        state.following = false;
      } catch (e) {
        status("Lost the connection to the bot: " + e.message);
      } finally {
        polling = null;
      }
    })();
    await polling;
  }

  // Another person sees another feed: their own private messages, and the buttons of their own role.
  function resetFeed() {
    state.generation++;
    state.version = 0;
    state.entries.clear();
    state.nodes.clear();
    state.replies.clear();
    $("feed").replaceChildren();
    $("thread-replies").replaceChildren();
    leaveThread();
    state.following = true;
  }

  function showChannel(channel) {
    state.channel = channel;
    leaveThread();
    for (const b of document.querySelectorAll("[data-channel]")) b.setAttribute("aria-pressed", String(b.dataset.channel === channel));
    for (const [id, entry] of state.entries) state.nodes.get(id).hidden = entry.channel !== channel;
    $("feed-heading").textContent = "Messages in #" + channel;
  }

  // A thread opens beside the channel (below it on a phone): its replies move into the thread pane while it is open.
  function enterThread(id) {
    leaveThread();
    state.thread = id;
    const parent = state.nodes.get(id);
    const entry = state.entries.get(id);
    parent?.classList.add("in-thread");
    $("thread-parent").textContent = entry ? entry.author + ": " + (entry.text || "a card") : "";
    const replies = state.replies.get(id);
    if (replies) $("thread-replies").replaceChildren(replies);
    $("thread-pane").hidden = false;
    document.body.classList.add("thread-open");
    $("thread-bar").hidden = false;
    $("command").focus();
  }
  function leaveThread() {
    const id = state.thread;
    state.thread = null;
    $("thread-bar").hidden = true;
    $("thread-pane").hidden = true;
    document.body.classList.remove("thread-open");
    for (const n of document.querySelectorAll(".msg.in-thread")) n.classList.remove("in-thread");
    const replies = id ? state.replies.get(id) : null;
    const parent = id ? state.nodes.get(id) : null;
    if (replies && parent) parent.appendChild(replies);
  }

  async function loadState() {
    const response = await fetch("/playground/api/state");
    const s = await response.json();
    state.people = s.people;
    const select = $("as");
    const current = select.value || state.as;
    select.replaceChildren(...s.people.map((p) => new Option(p.name + " — " + p.role, p.id, false, p.id === current)));
    state.as = select.value;
    const link = $("dashboard-link");
    if (s.backlog) {
      link.href = s.backlog.dashboard;
      link.hidden = false;
      link.textContent = "Open the dashboard of " + s.backlog.name;
    }
  }

  // ---- wiring
  document.addEventListener("DOMContentLoaded", async () => {
    $("as").addEventListener("change", (e) => {
      state.as = e.target.value;
      status("Acting as " + e.target.selectedOptions[0].textContent);
      resetFeed();
      poll({ follow: true });
    });
    for (const b of document.querySelectorAll("[data-channel]")) b.addEventListener("click", () => showChannel(b.dataset.channel));
    $("leave-thread").addEventListener("click", leaveThread);
    $("dialog-cancel").addEventListener("click", closeDialog);
    $("composer").addEventListener("submit", (e) => {
      e.preventDefault();
      const input = $("command");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      interact({ command: text }).then(() => poll({ follow: true }));
    });
    $("ballot-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const key = $("ballot-key").value.trim();
      if (!key) return;
      try {
        const result = await post("/playground/api/ballot", { as: state.as, key });
        status("Ballot for " + result.opened + " posted in #clinic.");
        showChannel("clinic");
      } catch (err) {
        status("Error: " + err.message);
      }
    });
    $("seed").addEventListener("click", async () => {
      status("Seeding…");
      try {
        const result = await post("/playground/api/seed", {});
        await loadState();
        status(result.created ? "Demo backlog ready: " + result.backlog + " with " + result.items + " items." : "Demo backlog ready: " + result.backlog + " (already seeded).");
      } catch (err) {
        status("Error: " + err.message);
      }
    });
    await loadState();
    await poll({ follow: true });
    setInterval(() => poll(), 700);
  });
})();
