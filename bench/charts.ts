// `npm run bench:charts`: how long each analytics chart takes to lay out and draw for a 50-rep team over
// a year of data, on this machine. Each chart runs its pure math (src/lib/charts/math.ts) and its d3
// draw (src/lib/charts/draw.ts) into an SVG of a happy-dom document at laptop width: a first draw, then
// an update with new data (the join path a live page takes). Data are synthetic and seeded, so runs
// compare, and are made before the clock starts. Prints one table; the target is 300 ms per chart. happy-dom is slower than a browser's DOM,
// so these figures are an upper bound on what the page pays.
import { Window } from 'happy-dom';
import { attainmentBins, bumpRanks, calendarBins, dayRange, funnelRates, lineSeries } from '../src/lib/charts/math';
import { drawBump, drawCalendar, drawFunnel, drawGroups, drawHistogram, drawLine } from '../src/lib/charts/draw';

const REPS = 50;
const DAYS = 365;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WIDTH = 1100;
const TARGET_MS = 300;

function rng(seed: number) {
	return () => {
		seed = (seed * 1664525 + 1013904223) >>> 0;
		return seed / 2 ** 32;
	};
}

/** A year of daily points per rep (weekends quiet), plus the year before for the ghost. */
function dataset(seed: number) {
	const r = rng(seed);
	const days = dayRange('2025-12-01', '2026-11-30');
	const before = dayRange('2024-12-01', '2025-11-30');
	const reps = Array.from({ length: REPS }, (_, i) => `rep-${String(i).padStart(2, '0')}`);
	const daily = new Map<string, Map<string, number>>();
	for (const id of reps) {
		const skill = 0.5 + r();
		const m = new Map<string, number>();
		for (const d of [...before, ...days]) {
			const wd = new Date(`${d}T12:00:00Z`).getUTCDay();
			if (wd === 0 || wd === 6 || r() < 0.1) continue;
			m.set(d, Math.round(r() * 60 * skill));
		}
		daily.set(id, m);
	}
	return { days, before, reps, daily, r };
}

const window = new Window({ width: WIDTH, height: 900 });
const document = window.document as unknown as Document;
const svgOf = () => {
	const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg') as SVGSVGElement;
	document.body.appendChild(el);
	return el;
};

type Data = ReturnType<typeof dataset>;
type Chart = { name: string; draw: (el: SVGSVGElement, data: Data) => void };

const fmt = (v: number) => String(Math.round(v));
const charts: Chart[] = [
	{
		name: 'line: team running total, 365 days + ghost + goal',
		draw(el, { days, before, daily }) {
			const team = new Map<string, number>();
			for (const m of daily.values()) for (const [d, v] of m) team.set(d, (team.get(d) ?? 0) + v);
			const s = lineSeries(days, team, before, team, { target: 2_500_000 });
			drawLine(el, s, { formatValue: fmt, formatIndex: (i) => days[i] ?? '' }, { width: WIDTH, height: 240, duration: 0 });
		}
	},
	{
		name: 'bump: rank by week, 50 reps × 52 weeks',
		draw(el, { days, reps, daily }) {
			const weeks = days.filter((_, i) => i % 7 === 0);
			const scores = new Map<string, Map<string, number>>();
			for (const id of reps) {
				const w = new Map<string, number>();
				for (const [d, v] of daily.get(id)!) {
					const i = Math.floor(days.indexOf(d) / 7);
					if (i >= 0) w.set(weeks[i], (w.get(weeks[i]) ?? 0) + v);
				}
				scores.set(id, w);
			}
			drawBump(el, bumpRanks(weeks, scores), weeks.length, { focus: reps[7], weekLabel: (i) => weeks[i], name: (id) => id }, { width: WIDTH, height: 260, duration: 0 });
		}
	},
	{
		name: 'calendar heatmap: 365 days',
		draw(el, { days, daily, reps }) {
			const c = calendarBins(days[0], days.at(-1)!, daily.get(reps[3])!, 1);
			drawCalendar(el, c.cells, c.weeks, { weekdays: ['M', 'T', 'W', 'T', 'F', 'S', 'S'], month: (d) => d.slice(5, 7) }, { width: WIDTH, duration: 0 });
		}
	},
	{
		name: 'histogram: attainment of 50 reps',
		draw(el, { reps, r }) {
			drawHistogram(el, attainmentBins(reps.map((id) => ({ id, attainment: r() * 1.8 }))), { bin: (b) => String(b.from), count: String }, { width: WIDTH / 2, height: 220, duration: 0 });
		}
	},
	{
		name: 'funnel: calls → meetings → deals, 50 reps',
		draw(el, { daily }) {
			let calls = 0;
			for (const m of daily.values()) for (const v of m.values()) calls += v;
			drawFunnel(el, funnelRates([{ key: 'call', value: calls }, { key: 'meeting', value: Math.round(calls * 0.3) }, { key: 'deal', value: Math.round(calls * 0.04) }]), { stage: (k) => k, value: fmt, rate: (x) => `${Math.round(x * 100)}%` }, { width: WIDTH / 2, height: 176, duration: 0 });
		}
	},
	{
		name: 'grouped bars: contest before / during / after',
		draw(el, { r }) {
			drawGroups(el, ['before', 'during', 'after'].map((key) => ({ key, values: [{ key: 'v', value: Math.round(r() * 900) }] })), { name: (k) => k, value: fmt }, { width: WIDTH, height: 200, duration: 0 });
		}
	}
];

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
// The data are made before the clock starts: the page receives them from the server.
const sets = Array.from({ length: RUNS }, (_, i) => [dataset(1 + i), dataset(1000 + i)] as const);
const rows: string[][] = [];
for (const chart of charts) {
	const first: number[] = [];
	const update: number[] = [];
	for (let i = 0; i < RUNS; i++) {
		const el = svgOf();
		let t = performance.now();
		chart.draw(el, sets[i][0]);
		first.push(performance.now() - t);
		t = performance.now();
		chart.draw(el, sets[i][1]);
		update.push(performance.now() - t);
		el.remove();
	}
	const worst = Math.max(...first, ...update);
	rows.push([chart.name, pct(first, 0.5).toFixed(1), pct(first, 0.95).toFixed(1), pct(update, 0.5).toFixed(1), pct(update, 0.95).toFixed(1), worst.toFixed(1), worst < TARGET_MS ? 'yes' : 'NO']);
}
const header = ['chart (math + d3 draw, happy-dom)', 'first p50 ms', 'first p95 ms', 'update p50 ms', 'update p95 ms', 'max ms', `< ${TARGET_MS} ms`];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log(`charts bench: ${REPS} reps × ${DAYS} days (+ the year before), ${RUNS} runs each, width ${WIDTH}px, node ${process.version}`);
console.log(line(header));
console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
for (const r of rows) console.log(line(r));
await window.happyDOM.close();
