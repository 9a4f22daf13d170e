import type { Locale } from '$lib/i18n';
import type { SessionContext } from '$lib/server/auth/session';
import type { Runtime } from '$lib/server/platform/runtime';
import type { Actor } from '$lib/server/org/actor';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
			/** The database or live store was unreachable: a 503, try again shortly. */
			unavailable?: boolean;
		}
		interface Locals {
			runtime: Runtime;
			auth: SessionContext | null;
			actor: Actor | null;
			locale: Locale;
			theme: 'system' | 'light' | 'dark';
			secureCookies: boolean;
			/** Set by handleError when a backing service was unreachable: the answer becomes a 503. */
			unavailable: boolean;
		}
		interface PageData {
			locale?: Locale;
		}
	}
}

export {};
