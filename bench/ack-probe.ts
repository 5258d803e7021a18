import { slashCommand } from "../fakes/slack-requests.js";

/*
 * Slack's side of the ack case, in a process of its own as Slack is: sends `/claude-usage help`
 * every 50 ms until stdin closes, then prints each ack's latency (request sent to response read)
 * as one JSON line. In the app's own process the probe would wait on the app's event loop twice
 * more (to send, and to read the answer), which Slack does not.
 */
const { url, responseUrl } = JSON.parse(process.argv[2] ?? "{}") as {
  url: string;
  responseUrl: string;
};
const INTERVAL_MS = 50;

const latencies: number[] = [];
const probes: Promise<void>[] = [];
let running = true;
process.stdin.resume();
process.stdin.on("end", () => {
  running = false;
});
// One command first, not measured: this process's own first request (its connection, its code
// compiled) is not the app's time, and Slack's senders are warm.
await slashCommand(url, { text: "help", user_id: "U1", response_url: responseUrl });
process.stdout.write("ready\n");
while (running) {
  probes.push(
    (async () => {
      const t = performance.now();
      const reply = await slashCommand(url, {
        text: "help",
        user_id: "U1",
        response_url: responseUrl,
      });
      if (reply.status === 200) latencies.push(performance.now() - t);
    })(),
  );
  await new Promise((r) => setTimeout(r, INTERVAL_MS));
}
await Promise.all(probes);
process.stdout.write(`${JSON.stringify({ latencies })}\n`);
