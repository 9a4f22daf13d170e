// d3 drawing of each chart into an <svg>, kept apart from the Svelte components so the benchmark can
// time exactly what the browser runs. Each draw is a data join: called again with new data it moves
// the marks (animated unless `duration` is 0) instead of redrawing them. Colours are CSS classes
// (chart-*), themed in ChartFrame, so light and dark mode need nothing here.
import { area, curveMonotoneX, line, scaleBand, scaleLinear, scalePoint, select, type Selection } from 'd3';
// d3 declares itself free of side effects, so a production bundle that only names `select` leaves out
// d3-transition, whose import is what adds selection.transition(): import it for that effect.
import 'd3-transition';
import type { AttainmentBin, BumpRow, CalendarCell, FunnelStage, LineSeries } from './math';
import { valueDomain } from './math';

type Svg = Selection<SVGSVGElement, unknown, null, undefined>;
type G = Selection<SVGGElement, unknown, null, undefined>;

export interface DrawOptions {
	width: number;
	height: number;
	/** Transition length in ms; 0 (reduced motion, first paint in tests, the benchmark) draws at once. */
	duration: number;
	/** Counts: only whole-number ticks on the value axis. */
	integer?: boolean;
}

/** One `<g class=name>` child, created once. */
function layer(svg: Svg | G, name: string): G {
	const found = svg.select<SVGGElement>(`:scope > g.${name}`);
	if (!found.empty()) return found as unknown as G;
	return (svg as Svg).append('g').attr('class', name) as unknown as G;
}

/** The selection itself, or a transition of it with the same attr API. */
function motion<E extends Element, D>(sel: Selection<E, D, SVGGElement, unknown>, ms: number): Selection<E, D, SVGGElement, unknown> {
	return ms > 0 ? (sel.transition().duration(ms) as unknown as Selection<E, D, SVGGElement, unknown>) : sel;
}

function size(svg: Svg, o: DrawOptions) {
	svg.attr('viewBox', `0 0 ${o.width} ${o.height}`).attr('width', o.width).attr('height', o.height);
}

function yAxis(g: G, y: (v: number) => number, ticks: number[], x0: number, x1: number, fmt: (v: number) => string) {
	g.selectAll<SVGLineElement, number>('line')
		.data(ticks, (d) => String(d))
		.join('line')
		.attr('class', (d) => (d === 0 ? 'chart-axis' : 'chart-grid'))
		.attr('x1', x0)
		.attr('x2', x1)
		.attr('y1', (d) => y(d))
		.attr('y2', (d) => y(d));
	g.selectAll<SVGTextElement, number>('text')
		.data(ticks, (d) => String(d))
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', x0 - 6)
		.attr('y', (d) => y(d))
		.attr('dy', '0.32em')
		.attr('text-anchor', 'end')
		.text((d) => fmt(d));
}

export interface LineLabels {
	formatValue: (v: number) => string;
	/** The x-axis label of a day position. */
	formatIndex: (i: number) => string;
}

/** Running total (area + line), the previous period as a dashed ghost, the goal pace as a dashed rule. */
export function drawLine(el: SVGSVGElement, s: LineSeries, labels: LineLabels, o: DrawOptions) {
	const svg = select(el) as Svg;
	size(svg, o);
	const m = { top: 16, right: 16, bottom: 28, left: 52 };
	const n = Math.max(1, s.length - 1);
	const x = scaleLinear().domain([0, n]).range([m.left, o.width - m.right]);
	const values = [...s.current.map((p) => p.total), ...s.ghost.map((p) => p.total), ...(s.goal ?? []).map((p) => p.value)];
	const { domain, ticks } = valueDomain(values, o.height < 200 ? 3 : 5);
	const y = scaleLinear().domain(domain).range([o.height - m.bottom, m.top]);
	yAxis(layer(svg, 'y'), y, ticks, m.left, o.width - m.right, labels.formatValue);
	const xticks = x.ticks(Math.max(2, Math.min(8, Math.floor(o.width / 90)))).filter((i) => Number.isInteger(i) && i <= n);
	layer(svg, 'x')
		.selectAll<SVGTextElement, number>('text')
		.data(xticks, (d) => String(d))
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', (d) => x(d))
		.attr('y', o.height - 8)
		.attr('text-anchor', 'middle')
		.text((d) => labels.formatIndex(d));
	const path = line<{ index: number; total: number }>()
		.x((p) => x(p.index))
		.y((p) => y(p.total))
		.curve(curveMonotoneX);
	const fill = area<{ index: number; total: number }>()
		.x((p) => x(p.index))
		.y0(y(Math.max(0, domain[0])))
		.y1((p) => y(p.total))
		.curve(curveMonotoneX);
	const marks = layer(svg, 'marks');
	const put = (cls: string, d: string | null) => {
		const sel = marks.selectAll<SVGPathElement, string>(`path.${cls}`).data(d ? [d] : []);
		sel.exit().remove();
		const entered = sel.enter().append('path').attr('class', cls).attr('d', d ?? '');
		if (o.duration > 0) sel.transition().duration(o.duration).attr('d', d ?? '');
		else sel.attr('d', d ?? '');
		return entered;
	};
	put('chart-area', s.current.length > 1 ? fill(s.current) : null);
	put('chart-ghost', s.ghost.length > 1 ? path(s.ghost) : null);
	put('chart-goal', s.goal ? line<{ index: number; value: number }>().x((p) => x(p.index)).y((p) => y(p.value))(s.goal) : null);
	const current = put('chart-current', s.current.length > 1 ? path(s.current) : null);
	// First paint draws the line from left to right.
	if (o.duration > 0 && !current.empty()) {
		const node = current.node() as SVGPathElement | null;
		const len = node && typeof node.getTotalLength === 'function' ? node.getTotalLength() : 0;
		if (len > 0)
			current
				.attr('stroke-dasharray', `${len} ${len}`)
				.attr('stroke-dashoffset', len)
				.transition()
				.duration(o.duration * 2)
				.attr('stroke-dashoffset', 0)
				.on('end', function () {
					select(this).attr('stroke-dasharray', null);
				});
	}
	const last = s.current.at(-1);
	marks
		.selectAll<SVGCircleElement, number>('circle.chart-dot')
		.data(last ? [last] : [])
		.join('circle')
		.attr('class', 'chart-dot')
		.attr('r', 4.5)
		.attr('cx', (p) => x(p.index))
		.attr('cy', (p) => y(p.total));
}

export interface BumpLabels {
	/** The member to highlight (the profile's rep). */
	focus: string;
	weekLabel: (i: number) => string;
	name: (id: string) => string;
}

/** Rank by week: every member's path, the focused one on top in colour, rank 1 at the top. */
export function drawBump(el: SVGSVGElement, rows: BumpRow[], weeks: number, labels: BumpLabels, o: DrawOptions) {
	const svg = select(el) as Svg;
	size(svg, o);
	const m = { top: 14, right: 44, bottom: 28, left: 36 };
	const maxRank = Math.max(1, ...rows.flatMap((r) => r.ranks.filter((v): v is number => v !== null)));
	const x = scalePoint<number>()
		.domain(Array.from({ length: weeks }, (_, i) => i))
		.range([m.left, o.width - m.right])
		.padding(0.2);
	const y = scaleLinear().domain([1, Math.max(2, maxRank)]).range([m.top, o.height - m.bottom]);
	const rankTicks = y.ticks(Math.min(maxRank, 6)).filter((v) => Number.isInteger(v) && v >= 1);
	yAxis(layer(svg, 'y'), y, rankTicks, m.left, o.width - m.right, (v) => `#${v}`);
	const every = Math.max(1, Math.ceil(weeks / Math.max(2, Math.floor(o.width / 80))));
	layer(svg, 'x')
		.selectAll<SVGTextElement, number>('text')
		.data(Array.from({ length: weeks }, (_, i) => i).filter((i) => (weeks - 1 - i) % every === 0))
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', (i) => x(i)!)
		.attr('y', o.height - 8)
		.attr('text-anchor', 'middle')
		.text((i) => labels.weekLabel(i));
	const ordered = [...rows].sort((a, b) => Number(a.id === labels.focus) - Number(b.id === labels.focus));
	const gen = line<number | null>()
		.defined((r) => r !== null)
		.x((_, i) => x(i)!)
		.y((r) => y(r ?? 1))
		.curve(curveMonotoneX);
	const paths = layer(svg, 'marks')
		.selectAll<SVGPathElement, BumpRow>('path')
		.data(ordered, (r) => r.id)
		.join('path')
		.attr('class', (r) => (r.id === labels.focus ? 'chart-bump chart-focus' : 'chart-bump'));
	motion(paths, o.duration).attr('d', (r) => gen(r.ranks) ?? '');
	const focus = rows.find((r) => r.id === labels.focus);
	const dots = focus ? focus.ranks.map((r, i) => ({ r, i })).filter((d): d is { r: number; i: number } => d.r !== null) : [];
	layer(svg, 'dots')
		.selectAll<SVGCircleElement, { r: number; i: number }>('circle')
		.data(dots, (d) => String(d.i))
		.join('circle')
		.attr('class', 'chart-dot')
		.attr('r', 3.5)
		.attr('cx', (d) => x(d.i)!)
		.attr('cy', (d) => y(d.r));
	const end = dots.at(-1);
	layer(svg, 'labels')
		.selectAll<SVGTextElement, { r: number; i: number }>('text')
		.data(end ? [end] : [])
		.join('text')
		.attr('class', 'chart-label')
		.attr('x', (d) => x(d.i)! + 8)
		.attr('y', (d) => y(d.r))
		.attr('dy', '0.32em')
		.text((d) => `#${d.r}`);
}

export interface CalendarLabels {
	/** Short weekday names by row (row 0 = the week's first day). */
	weekdays: string[];
	/** A month label for the column holding a month's first day ("Jan"). */
	month: (day: string) => string;
}

/** A year (or any range) of days as squares by week and weekday, shaded by level. */
export function drawCalendar(el: SVGSVGElement, cells: CalendarCell[], weeks: number, labels: CalendarLabels, o: Pick<DrawOptions, 'width' | 'duration'>) {
	const svg = select(el) as Svg;
	const m = { top: 18, left: 34 };
	// Narrow screens show the most recent weeks that fit at a legible size, not a year of specks.
	const fit = Math.max(1, Math.floor((o.width - m.left) / 11));
	const skip = Math.max(0, weeks - fit);
	if (skip > 0) {
		cells = cells.filter((c) => c.week >= skip).map((c) => ({ ...c, week: c.week - skip }));
		weeks -= skip;
	}
	const cell = Math.max(6, Math.min(16, Math.floor((o.width - m.left) / Math.max(1, weeks))));
	const gap = cell > 9 ? 2 : 1;
	const height = m.top + cell * 7 + 4;
	const width = Math.min(o.width, m.left + cell * weeks);
	size(svg, { width, height, duration: 0 });
	layer(svg, 'weekdays')
		.selectAll<SVGTextElement, string>('text')
		.data(labels.weekdays.map((w, i) => ({ w, i })).filter((d) => d.i % 2 === 0))
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', m.left - 4)
		.attr('y', (d) => m.top + d.i * cell + cell / 2)
		.attr('dy', '0.32em')
		.attr('text-anchor', 'end')
		.text((d) => d.w);
	const firsts = cells.filter((c, i) => i === 0 || c.day.endsWith('-01'));
	layer(svg, 'months')
		.selectAll<SVGTextElement, CalendarCell>('text')
		.data(firsts.filter((c, i) => i === firsts.length - 1 || firsts[i + 1].week - c.week >= 3), (c) => c.day)
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', (c) => m.left + c.week * cell)
		.attr('y', 11)
		.text((c) => labels.month(c.day));
	const rects = layer(svg, 'cells')
		.selectAll<SVGRectElement, CalendarCell>('rect')
		.data(cells, (c) => c.day)
		.join('rect')
		.attr('x', (c) => m.left + c.week * cell)
		.attr('y', (c) => m.top + c.weekday * cell)
		.attr('width', cell - gap)
		.attr('height', cell - gap)
		.attr('rx', 2);
	rects.attr('class', (c) => `chart-cal chart-l${c.level}`);
	return { height };
}

export interface BarLabels {
	bin: (b: AttainmentBin) => string;
	count: (n: number) => string;
}

/** The attainment histogram: one bar per bin; bins under 50% of goal in the warning colour. */
export function drawHistogram(el: SVGSVGElement, bins: AttainmentBin[], labels: BarLabels, o: DrawOptions) {
	const svg = select(el) as Svg;
	size(svg, o);
	const m = { top: 20, right: 12, bottom: 30, left: 36 };
	const x = scaleBand<number>()
		.domain(bins.map((_, i) => i))
		.range([m.left, o.width - m.right])
		.padding(0.18);
	const { domain, ticks } = valueDomain(bins.map((b) => b.ids.length), 4);
	const y = scaleLinear().domain(domain).range([o.height - m.bottom, m.top]);
	yAxis(layer(svg, 'y'), y, ticks.filter(Number.isInteger), m.left, o.width - m.right, (v) => String(v));
	layer(svg, 'x')
		.selectAll<SVGTextElement, AttainmentBin>('text')
		.data(bins)
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', (_, i) => x(i)! + x.bandwidth() / 2)
		.attr('y', o.height - 10)
		.attr('text-anchor', 'middle')
		.text((b) => labels.bin(b));
	const bars = layer(svg, 'marks')
		.selectAll<SVGRectElement, AttainmentBin>('rect')
		.data(bins, (b) => String(b.from))
		.join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
		.attr('class', (b) => (b.to !== null && b.to <= 0.5 ? 'chart-bar chart-warn' : b.from >= 1 ? 'chart-bar chart-good' : 'chart-bar'))
		.attr('x', (_, i) => x(i)!)
		.attr('width', x.bandwidth())
		.attr('rx', 3);
	motion(bars, o.duration).attr('y', (b) => y(b.ids.length)).attr('height', (b) => y(0) - y(b.ids.length));
	layer(svg, 'values')
		.selectAll<SVGTextElement, AttainmentBin>('text')
		.data(bins.filter((b) => b.ids.length > 0), (b) => String(b.from))
		.join('text')
		.attr('class', 'chart-label')
		.attr('x', (b) => x(bins.indexOf(b))! + x.bandwidth() / 2)
		.attr('y', (b) => y(b.ids.length) - 5)
		.attr('text-anchor', 'middle')
		.text((b) => labels.count(b.ids.length));
}

export interface FunnelLabels {
	stage: (key: string) => string;
	value: (v: number) => string;
	rate: (r: number) => string;
}

/** The funnel: one centred bar per stage, width by value, with the step conversion between them. */
export function drawFunnel(el: SVGSVGElement, stages: FunnelStage[], labels: FunnelLabels, o: DrawOptions) {
	const svg = select(el) as Svg;
	size(svg, o);
	const row = (o.height - 8) / Math.max(1, stages.length);
	const max = Math.max(1, ...stages.map((s) => s.value));
	const label = Math.min(120, o.width * 0.3);
	const w = scaleLinear().domain([0, max]).range([4, o.width - label - 8]);
	const cx = label + (o.width - label) / 2;
	const bars = layer(svg, 'marks')
		.selectAll<SVGRectElement, FunnelStage>('rect')
		.data(stages, (s) => s.key)
		.join((enter) => enter.append('rect').attr('x', cx).attr('width', 0))
		.attr('class', (_, i) => `chart-bar chart-s${i}`)
		.attr('y', (_, i) => i * row + 4)
		.attr('height', row - 10)
		.attr('rx', 4);
	motion(bars, o.duration).attr('x', (s) => cx - w(s.value) / 2).attr('width', (s) => w(s.value));
	layer(svg, 'names')
		.selectAll<SVGTextElement, FunnelStage>('text')
		.data(stages, (s) => s.key)
		.join('text')
		.attr('class', 'chart-tick chart-name')
		.attr('x', 0)
		.attr('y', (_, i) => i * row + row / 2)
		.attr('dy', '0.1em')
		.text((s) => labels.stage(s.key));
	layer(svg, 'rates')
		.selectAll<SVGTextElement, FunnelStage>('text')
		.data(stages, (s) => s.key)
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', 0)
		.attr('y', (_, i) => i * row + row / 2 + 14)
		.text((s) => (s.stepRate === null ? '' : `→ ${labels.rate(s.stepRate)}`));
	layer(svg, 'values')
		.selectAll<SVGTextElement, FunnelStage>('text')
		.data(stages, (s) => s.key)
		.join('text')
		// A bar too narrow for its number gets it beside the bar instead.
		.attr('class', (s) => (w(s.value) < 12 + 8 * labels.value(s.value).length ? 'chart-label' : 'chart-inbar'))
		.attr('x', (s) => (w(s.value) < 12 + 8 * labels.value(s.value).length ? cx + w(s.value) / 2 + 6 : cx))
		.attr('y', (_, i) => i * row + 4 + (row - 10) / 2)
		.attr('dy', '0.35em')
		.attr('text-anchor', (s) => (w(s.value) < 12 + 8 * labels.value(s.value).length ? 'start' : 'middle'))
		.text((s) => labels.value(s.value));
}

export interface PairLabels {
	name: (key: string) => string;
	value: (v: number) => string;
}

/** Grouped bars: each group's values side by side (before / during / after, this period / last). */
export function drawGroups(el: SVGSVGElement, groups: { key: string; values: { key: string; value: number }[] }[], labels: PairLabels, o: DrawOptions) {
	const svg = select(el) as Svg;
	size(svg, o);
	const m = { top: 18, right: 8, bottom: 30, left: 44 };
	const x = scaleBand<string>()
		.domain(groups.map((g) => g.key))
		.range([m.left, o.width - m.right])
		.padding(groups.length < 4 ? 0.45 : 0.25);
	const keys = [...new Set(groups.flatMap((g) => g.values.map((v) => v.key)))];
	const inner = scaleBand<string>().domain(keys).range([0, x.bandwidth()]).padding(0.08);
	const { domain, ticks: all } = valueDomain(groups.flatMap((g) => g.values.map((v) => v.value)), 4);
	const ticks = o.integer ? all.filter((t) => Number.isInteger(t)) : all;
	const y = scaleLinear().domain(domain).range([o.height - m.bottom, m.top]);
	yAxis(layer(svg, 'y'), y, ticks, m.left, o.width - m.right, labels.value);
	layer(svg, 'x')
		.selectAll<SVGTextElement, string>('text')
		.data(groups.map((g) => g.key))
		.join('text')
		.attr('class', 'chart-tick')
		.attr('x', (k) => x(k)! + x.bandwidth() / 2)
		.attr('y', o.height - 10)
		.attr('text-anchor', 'middle')
		.text((k) => labels.name(k));
	const flat = groups.flatMap((g) => g.values.map((v, i) => ({ id: `${g.key}/${v.key}`, g: g.key, k: v.key, value: v.value, i })));
	const bars = layer(svg, 'marks')
		.selectAll<SVGRectElement, (typeof flat)[number]>('rect')
		.data(flat, (d) => d.id)
		.join((enter) => enter.append('rect').attr('y', y(0)).attr('height', 0))
		.attr('class', (d) => `chart-bar chart-s${keys.indexOf(d.k)}`)
		.attr('x', (d) => x(d.g)! + inner(d.k)!)
		.attr('width', inner.bandwidth())
		.attr('rx', 3);
	motion(bars, o.duration).attr('y', (d) => Math.min(y(0), y(d.value))).attr('height', (d) => Math.abs(y(0) - y(d.value)));
}
