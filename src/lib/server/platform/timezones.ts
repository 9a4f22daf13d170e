/** Every IANA time zone this runtime knows, for pickers. */
export function timeZones(): string[] {
	const intl = Intl as typeof Intl & { supportedValuesOf?: (key: string) => string[] };
	const zones = intl.supportedValuesOf?.('timeZone') ?? [];
	return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
