namespace TriageBot.Playground;

/// <summary>The playground's page: a static shell; the script fills it from the playground API.</summary>
internal static class PlaygroundPage
{
    public static string Render(bool richRenderer) => $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>TriageBot playground</title>
        <link rel="stylesheet" href="/playground/playground.css">
        {{(richRenderer ? "<script src=\"/playground/lib/adaptivecards.min.js\"></script>" : "")}}
        <script src="/playground/plain-cards.js" defer></script>
        <script src="/playground/playground.js" defer></script>
        </head>
        <body>
        <header>
          <h1>TriageBot playground</h1>
          <p class="intro">A local channel over the same core as Teams and Slack. Type commands, fill the same cards Teams shows, and switch between sample people to run a whole clinic alone.</p>
          <div class="toolbar">
            <label for="as">Act as</label>
            <select id="as"></select>
            <button type="button" id="seed">Seed demo data</button>
            <a id="dashboard-link" href="#" target="_blank" rel="noopener" hidden>Open the dashboard</a>
            <span id="status" role="status" aria-live="polite"></span>
          </div>
          <p id="renderer-note" class="note" {{(richRenderer ? "hidden" : "")}}>Cards use a plain built-in rendering because the official Adaptive Cards renderer is not installed. To get it: <code>npm ci --prefix tools/playground</code> (one package), then build again.</p>
          <noscript><p class="note">The playground needs JavaScript. The dashboard works without it.</p></noscript>
        </header>
        <nav aria-label="Channels" class="channels">
          <button type="button" data-channel="triage" aria-pressed="true">#triage</button>
          <button type="button" data-channel="clinic" aria-pressed="false">#clinic</button>
        </nav>
        <main>
          <div class="chat">
            <div class="channel-pane">
              <h2 id="feed-heading" class="visually-hidden">Messages in #triage</h2>
              <section id="feed" aria-labelledby="feed-heading" aria-live="polite"></section>
              <p id="thread-bar" hidden>Replying in a thread. <button type="button" id="leave-thread">Back to the channel</button></p>
              <form id="composer" autocomplete="off">
                <label for="command">Command</label>
                <input id="command" name="command" placeholder="help · new bug · list · clinic · report allocation">
                <button type="submit">Send</button>
              </form>
            </div>
            <aside id="thread-pane" aria-labelledby="thread-heading" hidden>
              <h2 id="thread-heading">Thread</h2>
              <p id="thread-parent" class="note"></p>
              <div id="thread-replies"></div>
            </aside>
          </div>
          <form id="ballot-form" autocomplete="off">
            <label for="ballot-key">Put an item up for a vote in #clinic</label>
            <input id="ballot-key" name="key" placeholder="TRI-3">
            <button type="submit">Open ballot</button>
          </form>
        </main>
        <dialog id="form-dialog" aria-labelledby="form-dialog-title">
          <h2 id="form-dialog-title" class="visually-hidden">Form</h2>
          <div id="form-body"></div>
          <p><button type="button" id="dialog-cancel">Cancel</button></p>
        </dialog>
        </body>
        </html>
        """;
}
