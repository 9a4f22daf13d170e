// A Podium process for the contest cluster tests: the real runtime from the environment (DATABASE_URL:
// the database the parent uses), printing a JSON line per contest moment it emits
// ({"event":"moment","type":…,"contestId":…,"pid":…}), {"event":"ready"} once polling and
// {"event":"polled"} after each poll; exits on SIGTERM.
// CONTEST_CHILD_STALL (test-only, for the kill -9 test) makes the process hang for good, blocking its
// event loop, at a point of the freeze of the contest named on stdin, after printing {"event":"stalled"}:
//   final   — as the freeze commits (status final, results stored), before any prize point is written;
//   paying  — after the freeze, as the prize points (committed to the event log) reach the live store.
// Run: node --import tsx tests/helpers/contest-child.ts
import { writeSync } from 'node:fs';
import { closeRuntime, getRuntime } from '../../src/lib/server/platform/runtime';

const say = (line: Record<string, unknown>) => writeSync(1, `${JSON.stringify({ ...line, pid: process.pid })}\n`);
const stall = process.env.CONTEST_CHILD_STALL;
const hang = () => {
	say({ event: 'stalled', at: stall });
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // forever: only kill -9 ends it
};

const runtime = await getRuntime();
runtime.events.on('contest.moment', ({ moment }) => say({ event: 'moment', type: moment.type, contestId: moment.contestId }));
runtime.scheduler.onPoll(() => say({ event: 'polled' }));
if (stall === 'final' || stall === 'paying') {
	// The contest to stall on comes as a JSON line on stdin: {"contestId","organizationId","afterOrgSeq"}
	// (the org's last event number before the freeze), so that other contests (of tests running at the
	// same time, whose changes reach this process through the shared Redis) and the reconciler's late
	// applies of earlier events leave it alone.
	let watch: { contestId: string; organizationId: string; afterOrgSeq: number } | undefined;
	let frozen = false;
	let input = '';
	process.stdin.setEncoding('utf8');
	process.stdin.on('data', (chunk) => {
		input += chunk;
		const newline = input.indexOf('\n');
		if (newline >= 0) watch = JSON.parse(input.slice(0, newline));
	});
	// Heard synchronously as the freeze's transaction has committed, before the prizes are paid.
	runtime.events.on('contest.changed', ({ contestId, status }) => {
		if (status !== 'final' || contestId !== watch?.contestId) return;
		if (stall === 'final') hang();
		frozen = true;
	});
	const apply = runtime.live.applyEvents.bind(runtime.live);
	runtime.live.applyEvents = async (events) => {
		// The prize points: the org's events logged after the freeze.
		if (frozen && events.some((e) => e.org === watch!.organizationId && e.orgSeq > watch!.afterOrgSeq)) hang();
		return apply(events);
	};
}
say({ event: 'ready' });

async function stop() {
	setTimeout(() => process.exit(1), 5000).unref();
	await closeRuntime().catch(() => {});
	process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
