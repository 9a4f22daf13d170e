import type { MessageKey, MessageParams } from '$lib/i18n';

/** A refusal the user can act on: an HTTP status, a catalog message and, when one is to blame, the field. */
export class AppError extends Error {
	constructor(
		readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429,
		readonly key: MessageKey,
		readonly params?: MessageParams,
		readonly field?: string
	) {
		super(key);
		this.name = 'AppError';
	}
}

export const notFound = () => new AppError(404, 'errors.notFound');
export const forbidden = () => new AppError(403, 'errors.forbidden');

export type FieldIssue = { field: string; key: MessageKey; params?: MessageParams };

/** Input that failed its schema; nothing was changed. */
export class ValidationError extends Error {
	constructor(readonly issues: FieldIssue[]) {
		super('validation failed');
		this.name = 'ValidationError';
	}
}
