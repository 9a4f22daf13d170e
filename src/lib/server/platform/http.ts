// Glue between routes and services: authorization guards and turning refusals into 4xx answers.
import { error, fail, json, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { translate } from '$lib/i18n';
import type { Actor } from '../org/actor';
import { describeError } from './validation';

/** The signed-in actor, or a redirect to sign-in (pages) — checked in every load and action. */
export function requireActor(event: Pick<RequestEvent, 'locals' | 'url'>): Actor {
	const actor = event.locals.actor;
	if (!actor) {
		const next = event.url.pathname + event.url.search;
		// Home is where signing in lands anyway.
		redirect(303, next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`);
	}
	return actor;
}

export function requireRole(event: Pick<RequestEvent, 'locals' | 'url'>, ...roles: Actor['role'][]): Actor {
	const actor = requireActor(event);
	if (!roles.includes(actor.role)) error(403, translate(event.locals.locale, 'errors.forbidden'));
	return actor;
}

export type ActionFailureData = { errors: Record<string, string>; message: string; values: Record<string, unknown> };

/** Runs a form action's work; a refusal becomes fail(status, { errors, message, values }) and nothing is changed. */
export async function attempt<T>(
	event: Pick<RequestEvent, 'locals'>,
	work: () => Promise<T>,
	values: Record<string, unknown> = {}
): Promise<{ ok: true; value: T } | { ok: false; failure: ActionFailure<ActionFailureData> }> {
	try {
		return { ok: true, value: await work() };
	} catch (err) {
		const described = describeError(event.locals.locale, err);
		if (!described) throw err;
		return { ok: false, failure: fail(described.status, { errors: described.errors, message: described.message, values }) };
	}
}

/** Runs an API handler; a refusal becomes a JSON 4xx naming the field. */
export async function runApi(event: Pick<RequestEvent, 'locals'>, work: () => Promise<Response>) {
	try {
		return await work();
	} catch (err) {
		const described = describeError('en', err);
		if (!described) throw err;
		return json({ error: described.message, fields: described.errors }, { status: described.status });
	}
}

const NEXT_BASE = 'http://podium.invalid';

/**
 * Where to go after signing in: a path of this site, or the fallback. The value is resolved against
 * an origin, and must stay on it; control characters and backslashes are refused outright, because
 * browsers drop or rewrite them (`/\t/evil.example` and `/\evil.example` become `//evil.example`), and a
 * newline in a Location header is a 500. Every reader of `?next=` goes through here, and so does the
 * preference forms' `redirectTo`.
 */
export function safeNext(value: string | null | undefined, fallback = '/'): string {
	if (!value || value.length > 2048) return fallback;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f-\u009f\\]/.test(value)) return fallback;
	if (!value.startsWith('/') || value.startsWith('//')) return fallback;
	let url: URL;
	try {
		url = new URL(value, NEXT_BASE);
	} catch {
		return fallback;
	}
	if (url.origin !== NEXT_BASE) return fallback;
	const path = url.pathname + url.search + url.hash;
	return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}

export function clientIp(event: Pick<RequestEvent, 'getClientAddress'>): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}
