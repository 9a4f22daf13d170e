// Browser-only: download a chart as SVG or PNG, or its data as CSV. The SVG is serialized with the
// computed colours inlined, so a dark-mode chart exports as it looks.

function download(blob: Blob, filename: string) {
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = filename;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const PAINT = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-linejoin', 'stroke-linecap', 'stroke-opacity', 'opacity', 'font-size', 'font-weight', 'font-family', 'font-style', 'text-anchor', 'dominant-baseline'] as const;

/** The SVG as a standalone document, with computed paint inlined (CSS variables do not travel). */
export function svgDocument(svg: SVGSVGElement): string {
	const copy = svg.cloneNode(true) as SVGSVGElement;
	const src = [svg, ...svg.querySelectorAll('*')];
	const dst = [copy, ...copy.querySelectorAll('*')];
	src.forEach((el, i) => {
		const cs = getComputedStyle(el);
		const out = dst[i] as SVGElement;
		for (const p of PAINT) {
			const v = cs.getPropertyValue(p);
			if (v) out.style.setProperty(p, v);
		}
	});
	const box = svg.getBoundingClientRect();
	copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
	copy.setAttribute('width', String(Math.round(box.width)));
	copy.setAttribute('height', String(Math.round(box.height)));
	const bg = getComputedStyle(svg.closest('.chart') ?? svg).getPropertyValue('--chart-bg') || 'transparent';
	copy.style.setProperty('background', bg.trim() || 'transparent');
	return new XMLSerializer().serializeToString(copy);
}

export function downloadSvg(svg: SVGSVGElement, name: string) {
	download(new Blob([svgDocument(svg)], { type: 'image/svg+xml' }), `${name}.svg`);
}

export async function downloadPng(svg: SVGSVGElement, name: string, scale = 2) {
	const text = svgDocument(svg);
	const box = svg.getBoundingClientRect();
	const img = new Image();
	const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
	try {
		await new Promise<void>((resolve, reject) => {
			img.onload = () => resolve();
			img.onerror = () => reject(new Error('svg'));
			img.src = url;
		});
		const canvas = document.createElement('canvas');
		canvas.width = Math.max(1, Math.round(box.width * scale));
		canvas.height = Math.max(1, Math.round(box.height * scale));
		const ctx = canvas.getContext('2d')!;
		ctx.fillStyle = getComputedStyle(svg.closest('.chart') ?? svg).getPropertyValue('--chart-bg').trim() || '#ffffff';
		ctx.fillRect(0, 0, canvas.width, canvas.height);
		ctx.scale(scale, scale);
		ctx.drawImage(img, 0, 0, box.width, box.height);
		const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
		if (blob) download(blob, `${name}.png`);
	} finally {
		URL.revokeObjectURL(url);
	}
}

export function downloadCsv(text: string, name: string) {
	download(new Blob(['\ufeff', text], { type: 'text/csv;charset=utf-8' }), `${name}.csv`);
}
