/** Transition length for chart updates: none when the reader asks for reduced motion. */
export function chartDuration(ms = 450): number {
	if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return 0;
	return window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 0 : ms;
}
