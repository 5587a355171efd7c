// Reference Slack app for the TriageBot load benchmark (bench/TriageBot.Bench.Load): Slack's official Bolt for
// JavaScript with its HTTP receiver and request signature verification on, and handlers that only acknowledge.
// It stores nothing and calls no Web API method, so it is the floor any Slack app has to pay per request.
//
//   SLACK_SIGNING_SECRET=... PORT=3000 node tools/bench-bolt/app.js
'use strict';

const { App, HTTPReceiver, LogLevel } = require('@slack/bolt');

const signingSecret = process.env.SLACK_SIGNING_SECRET;
const port = Number(process.env.PORT || 3000);
if (!signingSecret) {
  console.error('Set SLACK_SIGNING_SECRET to the secret the load generator signs with.');
  process.exit(2);
}

const receiver = new HTTPReceiver({
  signingSecret,
  signatureVerification: true,
  // The same path TriageBot serves, so the load generator sends identical requests to both.
  endpoints: ['/slack/interactivity', '/slack/events', '/slack/commands'],
  processBeforeResponse: false,
  logLevel: LogLevel.ERROR,
});

const app = new App({
  receiver,
  // Fixed credentials: with a plain token Bolt calls auth.test on the first request, and there is no Slack to talk to.
  authorize: async () => ({ botToken: 'xoxb-bench-not-a-real-token', botId: 'B0BENCH', botUserId: 'U0BENCHBOT' }),
  logLevel: LogLevel.ERROR,
});

app.action(/.*/, async ({ ack }) => { await ack(); });
app.view(/.*/, async ({ ack }) => { await ack(); });
app.error(async (error) => { console.error('bolt error:', error && error.message); });

(async () => {
  await app.start({ port, host: '127.0.0.1' });
  console.log(`bench-bolt listening on http://127.0.0.1:${port}`);
})();

process.on('SIGTERM', async () => {
  await app.stop();
  process.exit(0);
});
