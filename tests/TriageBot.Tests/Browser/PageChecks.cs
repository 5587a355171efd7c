using Microsoft.Playwright;

namespace TriageBot.Tests.Browser;

/// <summary>
/// Layout and contrast facts read from a rendered page: what a person on a phone or with low vision would meet. Each
/// returns the offending elements, described, so a failure says what and where.
/// </summary>
internal static class PageChecks
{
    /// <summary>Visible elements reaching past the viewport's left or right edge (a chart's own scroll box excepted).</summary>
    public static Task<string[]> WiderThanViewportAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const w = document.documentElement.clientWidth, out = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('.chart-box') || el.closest('dialog:not([open])')) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            const s = getComputedStyle(el);
            if (s.visibility === 'hidden' || s.position === 'absolute' && s.clip !== 'auto') continue;
            if (r.right > w + 1 || r.left < -1) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} [${Math.round(r.left)}, ${Math.round(r.right)}] in ${w}: ${(el.textContent || '').trim().slice(0, 40)}`);
          }
          return out;
        }
        """);

    /// <summary>True when the page itself scrolls sideways.</summary>
    public static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1");

    /// <summary>
    /// Every visible text (HTML text nodes and SVG text) whose colour against the background it is drawn on is below
    /// WCAG AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). The background is the nearest opaque one up the
    /// tree (white at the root), the way axe computes it for pages without images behind text.
    /// </summary>
    public static Task<string[]> ContrastFailuresAsync(IPage page) => page.EvaluateAsync<string[]>("""
        () => {
          const parse = (c) => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
          const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
          const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
          const background = (el) => {
            for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
              const c = parse(getComputedStyle(e).backgroundColor);
              if (c && c.a >= 0.99) return c;
            }
            return { r: 255, g: 255, b: 255, a: 1 };
          };
          const out = [];
          const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          const seen = new Set();
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            const el = n.parentElement;
            if (!el || seen.has(el) || !n.textContent.trim()) continue;
            seen.add(el);
            const r = el.getBoundingClientRect();
            const s = getComputedStyle(el);
            if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || el.closest('[hidden], title, desc, script, style, noscript, option')) continue;
            const isSvg = el instanceof SVGElement;
            const fg = parse(isSvg ? s.fill : s.color);
            if (!fg) continue;
            const bg = isSvg ? { r: 255, g: 255, b: 255, a: 1 } : background(el);
            const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
            const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
            const got = ratio(fg, bg);
            if (got < need) out.push(`${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''} "${n.textContent.trim().slice(0, 40)}": ${got.toFixed(2)}:1 < ${need}:1 (${isSvg ? s.fill : s.color} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
          }
          return out;
        }
        """);

    /// <summary>The smallest font size, in CSS pixels as drawn, of any text in the page's SVG charts.</summary>
    public static Task<double> SmallestChartTextAsync(IPage page) => page.EvaluateAsync<double>("""
        () => {
          let min = Infinity;
          for (const svg of document.querySelectorAll('svg')) {
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(t.getAttribute('font-size')) * scale);
          }
          return min;
        }
        """);
}
