// The CSV import's reader, without the app: RFC 4180 quoting, line ends, BOM, delimiters, encodings
// and local times. (Pure functions; it lives with the admin-scoring tests it serves.)
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CsvError, decodeCsvBytes, detectDelimiter, parseCsv } from '../../src/lib/server/scoring/import/csv';
import { parseOccurredAt } from '../../src/lib/server/scoring/import/plan';

describe('parseCsv', () => {
	test('quoted delimiters, doubled quotes and line breaks inside quotes', () => {
		expect(parseCsv('a,b,c\n1,"x, y","he said ""hi"""\n2,"two\nlines",\n')).toEqual([
			['a', 'b', 'c'],
			['1', 'x, y', 'he said "hi"'],
			['2', 'two\nlines', '']
		]);
	});

	test('a BOM is dropped; CRLF, LF and CR all end a line; no trailing empty record', () => {
		expect(parseCsv('\uFEFFa,b\r\n1,2\r3,4\n5,6\r\n')).toEqual([
			['a', 'b'],
			['1', '2'],
			['3', '4'],
			['5', '6']
		]);
	});

	test('blank lines stay as records, so record i is spreadsheet row i + 1', () => {
		expect(parseCsv('a\n\n1')).toEqual([['a'], [''], ['1']]);
	});

	test('a quote inside an unquoted field is text; an empty quoted field is a field', () => {
		expect(parseCsv('5" screen,"",x')).toEqual([['5" screen', '', 'x']]);
		expect(parseCsv('""')).toEqual([['']]);
	});

	test('an unclosed quote names the row it starts in', () => {
		expect(() => parseCsv('a,b\n1,2\n3,"open\n4,5')).toThrow(CsvError);
		try {
			parseCsv('a,b\n1,2\n3,"open\n4,5');
		} catch (error) {
			expect((error as CsvError).row).toBe(3);
		}
	});

	test('semicolons and tabs are detected from the header line', () => {
		expect(detectDelimiter('metric;user;value\n')).toBe(';');
		expect(detectDelimiter('metric\tuser\tvalue')).toBe('\t');
		expect(detectDelimiter('metric,user,"a;b;c"\n')).toBe(',');
		expect(parseCsv('a;b\n"1;2";3')).toEqual([
			['a', 'b'],
			['1;2', '3']
		]);
	});

	test('any table written with RFC 4180 quoting reads back the same', () => {
		const cell = fc.string({ unit: fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\n', '\r\n', '客', ';') });
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.array(cell, { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (width, rows, eol) => {
				const table = rows.map((r) => r.slice(0, width));
				// A lone empty field on a line is indistinguishable from a blank line; quote it, as writers do.
				const quote = (v: string) => (/[",\r\n;]/.test(v) || v === '' ? `"${v.replaceAll('"', '""')}"` : v);
				const text = table.map((r) => r.map(quote).join(',')).join(eol) + eol;
				expect(parseCsv(text, ',')).toEqual(table);
			})
		);
	});
});

describe('decodeCsvBytes', () => {
	test('UTF-8 with and without BOM, UTF-16 with BOM, and GB18030 from Excel', () => {
		expect(decodeCsvBytes(new Uint8Array(Buffer.from('\uFEFFnote,客户')))).toBe('note,客户');
		expect(decodeCsvBytes(new Uint8Array(Buffer.from('note,客户')))).toBe('note,客户');
		expect(decodeCsvBytes(new Uint8Array([0xff, 0xfe, ...Buffer.from('a,客', 'utf16le')]))).toBe('a,客');
		expect(decodeCsvBytes(new Uint8Array([0x61, 0x2c, 0xbf, 0xcd, 0xbb, 0xa7]))).toBe('a,客户');
	});
});

describe('parseOccurredAt', () => {
	test('ISO-8601 with an offset is an instant', () => {
		expect(parseOccurredAt('2026-03-01T14:30:00+08:00', 'UTC')?.toISOString()).toBe('2026-03-01T06:30:00.000Z');
		expect(parseOccurredAt('2026-03-01T06:30Z', 'Asia/Shanghai')?.toISOString()).toBe('2026-03-01T06:30:00.000Z');
	});

	test('a local date and time is read in the organization’s time zone, Excel’s slashes too', () => {
		expect(parseOccurredAt('2026-03-01 14:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-03-01T06:30:00.000Z');
		expect(parseOccurredAt('2026/3/1 9:05', 'Asia/Shanghai')?.toISOString()).toBe('2026-03-01T01:05:00.000Z');
		expect(parseOccurredAt('2026-03-01', 'America/New_York')?.toISOString()).toBe('2026-03-01T05:00:00.000Z');
		expect(parseOccurredAt('2026-07-01', 'America/New_York')?.toISOString()).toBe('2026-07-01T04:00:00.000Z');
	});

	test.each(['yesterday', '2026-02-30', '2026-13-01 10:00', '01/03/2026', '2026-03-01 25:00', ''])('%j is not a time', (raw) => {
		expect(parseOccurredAt(raw, 'UTC')).toBeNull();
	});
});
