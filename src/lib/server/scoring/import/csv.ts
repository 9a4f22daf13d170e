// CSV as spreadsheets write it: the delimiter detected, quoted fields, a BOM or a legacy encoding. Pure.


/** A quoted field that never closes; `row` is the record it starts in (the header is row 1). */
export class CsvError extends Error {
	constructor(readonly row: number) {
		super(`unterminated quoted field in row ${row}`);
		this.name = 'CsvError';
	}
}

/** The delimiter of the first line outside quotes: comma, semicolon or tab, whichever occurs most. */
export function detectDelimiter(text: string): string {
	let quoted = false;
	const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (c === '"') quoted = !quoted;
		else if (!quoted && (c === '\n' || c === '\r')) break;
		else if (!quoted && c in counts) counts[c]++;
	}
	return counts[';'] > counts[','] && counts[';'] >= counts['\t'] ? ';' : counts['\t'] > counts[','] ? '\t' : ',';
}

/**
 * RFC 4180 records: quoted fields may hold delimiters, doubled quotes and line breaks; lines end in
 * LF, CRLF or CR; a leading byte-order mark is dropped. A quote inside an unquoted field is kept as
 * text, as spreadsheets do. Every line is a record, blank ones too, so record i is spreadsheet row i + 1.
 */
export function parseCsv(input: string, delimiter = detectDelimiter(input)): string[][] {
	const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
	const records: string[][] = [];
	let record: string[] = [];
	let field = '';
	let quoted = false;
	let wasQuoted = false;
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (quoted) {
			const close = text.indexOf('"', i);
			if (close < 0) throw new CsvError(records.length + 1);
			field += text.slice(i, close);
			if (text[close + 1] === '"') {
				field += '"';
				i = close + 2;
			} else {
				quoted = false;
				i = close + 1;
			}
			continue;
		}
		if (c === '"' && field === '' && !wasQuoted) {
			quoted = wasQuoted = true;
			i++;
		} else if (c === delimiter) {
			record.push(field);
			field = '';
			wasQuoted = false;
			i++;
		} else if (c === '\n' || c === '\r') {
			record.push(field);
			records.push(record);
			record = [];
			field = '';
			wasQuoted = false;
			i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
		} else {
			field += c;
			i++;
		}
	}
	if (quoted) throw new CsvError(records.length + 1);
	if (field !== '' || wasQuoted || record.length > 0) {
		record.push(field);
		records.push(record);
	}
	return records;
}

/** Text of an uploaded file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (Excel in Chinese). */
export function decodeCsvBytes(bytes: Uint8Array): string {
	if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
	if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
	try {
		return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
	} catch {
		try {
			return new TextDecoder('gb18030').decode(bytes);
		} catch {
			return new TextDecoder('utf-8').decode(bytes);
		}
	}
}
