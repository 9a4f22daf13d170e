// Chart and table exports as the browser runs them (happy-dom): the SVG is a standalone document with the
// computed paint inlined (CSS variables and classes do not travel with a file), and a CSV download is
// UTF-8 with a byte-order mark, so Excel opens Chinese names right.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { downloadCsv, downloadSvg, svgDocument } from '../../src/lib/charts/export';
import { toCsv } from '../../src/lib/charts/csv';

const blobs: { blob: Blob; name: string }[] = [];

function captureDownloads() {
	let last: Blob | null = null;
	vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
		last = b as Blob;
		return 'blob:test';
	});
	vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
	vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
		blobs.push({ blob: last!, name: this.download });
	});
}

afterEach(() => {
	vi.restoreAllMocks();
	blobs.length = 0;
	document.body.innerHTML = '';
	document.head.innerHTML = '';
});

describe('chart exports', () => {
	test('the SVG carries its computed paint inline and stands alone', () => {
		const style = document.createElement('style');
		style.textContent = '.chart-bar { fill: rgb(67, 56, 202); stroke-width: 2px; }';
		document.head.append(style);
		document.body.innerHTML = '<figure class="chart"><svg width="120" height="60"><rect class="chart-bar" x="0" y="0" width="10" height="10"></rect><text class="chart-tick">张伟</text></svg></figure>';
		const svg = document.querySelector('svg')!;
		const text = svgDocument(svg);
		expect(text).toContain('xmlns="http://www.w3.org/2000/svg"');
		expect(text).toMatch(/<rect[^>]*style="[^"]*fill: rgb\(67, 56, 202\)/);
		expect(text).toContain('张伟');
		// The page's own SVG is left as it was.
		expect(svg.querySelector('rect')!.getAttribute('style')).toBeNull();
	});

	test('an SVG download is image/svg+xml named after the chart', async () => {
		captureDownloads();
		document.body.innerHTML = '<svg width="10" height="10"><circle r="3"></circle></svg>';
		downloadSvg(document.querySelector('svg')!, 'flags-by-kind');
		expect(blobs).toHaveLength(1);
		expect(blobs[0].name).toBe('flags-by-kind.svg');
		expect(blobs[0].blob.type).toBe('image/svg+xml');
		expect(await blobs[0].blob.text()).toContain('<circle');
	});

	test('a CSV download starts with a BOM, keeps Chinese text and defuses formulas', async () => {
		captureDownloads();
		downloadCsv(toCsv(['Rep', 'Team'], [['张伟', '=East'], ['Ada', '+1 (555) 0100']]), 'flags-open');
		expect(blobs[0].name).toBe('flags-open.csv');
		expect(blobs[0].blob.type).toBe('text/csv;charset=utf-8');
		const bytes = new Uint8Array(await blobs[0].blob.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const text = new TextDecoder().decode(bytes.slice(3));
		expect(text).toBe("Rep,Team\r\n张伟,'=East\r\nAda,'+1 (555) 0100\r\n");
	});
});
