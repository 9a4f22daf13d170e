import type { Locale } from '$lib/i18n';
import type { SessionContext } from '$lib/server/auth/session';
import type { Runtime } from '$lib/server/runtime';
import type { Actor } from '$lib/server/services/actor';

declare global {
	namespace App {
		interface Error {
			message: string;
			id?: string;
		}
		interface Locals {
			runtime: Runtime;
			auth: SessionContext | null;
			actor: Actor | null;
			locale: Locale;
			theme: 'system' | 'light' | 'dark';
			secureCookies: boolean;
		}
		interface PageData {
			locale?: Locale;
		}
	}
}

export {};
