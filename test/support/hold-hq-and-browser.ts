// A stand-in for a test file, run as its own process by test/node/processes.test.ts: starts
// local HQ and a browser, says READY, and waits to be interrupted or killed. It never ends
// what it started itself: that is the reaper's job once this process is gone.
import { startHqAndBrowser } from './signed-in';

const { hq, browser } = await startHqAndBrowser();
const page = await browser.newPage();
await page.goto(`${hq.url}/signin`);
// Its own pid: under tsx, the process that runs this file is a child of the one spawned.
console.log(`READY ${process.pid}`);
setInterval(() => {}, 60_000);
