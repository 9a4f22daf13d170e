// Money, on the client and the server: amounts are integers in the currency's minor unit, never floats.
// One parse (a plain decimal string in major units -> minor units) and one format (minor units -> the
// reader's locale, with the currency's narrow symbol: "¥1,000.00" in English and Chinese alike).
// Conversions go through decimal strings, so an amount is exact however large it is.

/** Decimal places of a currency's minor unit, from Intl: CNY 2, JPY 0, BHD 3. Unknown codes get 2. */
export function currencyDigits(currency: string | null | undefined): number {
	if (!currency || !/^[A-Za-z]{3}$/.test(currency)) return 2;
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		return 2;
	}
}

/**
 * Why a string is not an amount: `required` (empty), `format` (not plain digits with an optional
 * decimal point: no sign, exponent, hex or separators), `decimals` (more than the currency's digits),
 * `range` (beyond `max`, or beyond what a safe integer holds).
 */
export type MoneyParseError = 'required' | 'format' | 'decimals' | 'range';
export type MoneyParse = { ok: true; minor: number } | { ok: false; error: MoneyParseError };

/**
 * A plain decimal string in major units as minor units: ("1000.5", 2) -> 100050. Strict: surrounding
 * white space is ignored, nothing else is. `max` is in minor units (inclusive).
 */
export function parseMoney(raw: string, digits: number, options: { max?: number } = {}): MoneyParse {
	const text = raw.trim();
	if (!text) return { ok: false, error: 'required' };
	const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
	if (!match) return { ok: false, error: 'format' };
	const frac = match[2] ?? '';
	if (frac.length > digits) return { ok: false, error: 'decimals' };
	const digitsText = (match[1] + frac.padEnd(digits, '0')).replace(/^0+(?=\d)/, '');
	const minor = BigInt(digitsText);
	const max = BigInt(options.max ?? Number.MAX_SAFE_INTEGER);
	if (minor > max || minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'range' };
	return { ok: true, minor: Number(minor) };
}

/** Minor units as a plain decimal string in major units, exact: (100050, 2) -> "1000.50", (-5, 2) -> "-0.05". */
export function minorToMajor(minor: number | bigint, digits: number): string {
	const big = BigInt(minor);
	const sign = big < 0n ? '-' : '';
	const abs = (big < 0n ? -big : big).toString();
	if (digits === 0) return sign + abs;
	const padded = abs.padStart(digits + 1, '0');
	return `${sign}${padded.slice(0, -digits)}.${padded.slice(-digits)}`;
}

/** Minor units as an admin types them back: (100000, 2) -> "1000", (100050, 2) -> "1000.5". */
export function minorToInput(minor: number | bigint, digits: number): string {
	const major = minorToMajor(minor, digits);
	return digits === 0 ? major : major.replace(/\.?0+$/, '');
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Minor units as money in the reader's locale: "¥1,000.00", "¥1,000" for JPY, "BHD 1.234".
 * `whole` drops the minor digits (rounding half away from zero) for big totals on boards, where
 * "¥1,234,567" reads better from across a room.
 */
export function formatMoney(minor: number | bigint, currency: string | null | undefined, locale: string, options: { whole?: boolean } = {}): string {
	const code = currency && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : 'CNY';
	const digits = currencyDigits(code);
	const shown = options.whole ? 0 : digits;
	const key = `${locale}|${code}|${shown}`;
	let format = formatters.get(key);
	if (!format) {
		format = new Intl.NumberFormat(locale, {
			style: 'currency',
			currency: code,
			currencyDisplay: 'narrowSymbol',
			minimumFractionDigits: shown,
			maximumFractionDigits: shown
		});
		formatters.set(key, format);
	}
	// A decimal string is formatted exactly (Intl.NumberFormat v3); a float would not be.
	return format.format(minorToMajor(minor, digits) as unknown as number);
}
