// Input schemas shared by the browser and the server. Messages are catalog keys, translated at the edge.
import { z } from 'zod';

export const ROLES = ['admin', 'leader', 'rep'] as const;
export const NAME_MAX = 80;
export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
export const SLUG_RE = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

// Text is stored exactly as sent or refused: Postgres cannot store U+0000 at all, and stores an
// unpaired surrogate (not valid Unicode) as U+FFFD, so the stored text would differ from what was sent
// (an event id would then never match its retry). Every text field of every boundary goes through this.
// eslint-disable-next-line no-control-regex
const ILL_FORMED = /[\u0000\p{Cs}]/u;
export const isWellFormedText = (value: string) => !ILL_FORMED.test(value);
export const ILL_FORMED_MESSAGE = 'validation.illFormed';
/** A string schema that refuses U+0000 and unpaired surrogates (message: a catalog key, or the given text). */
export const wellFormed = <S extends z.ZodType<string>>(schema: S, message = ILL_FORMED_MESSAGE) => schema.refine(isWellFormedText, { message });
/** Text of at most `max` characters, trimmed, not empty, well formed. */
export const textSchema = (max: number) => wellFormed(z.string().trim().min(1).max(max));

const trimmed = textSchema;

export const emailSchema = wellFormed(z.string().trim().toLowerCase().min(1).max(EMAIL_MAX)).pipe(z.email());
export const passwordSchema = wellFormed(z.string().min(PASSWORD_MIN).max(PASSWORD_MAX)).refine((value) => value.trim().length > 0, {
	message: 'validation.blankPassword'
});

export function isValidTimeZone(value: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: value });
		return true;
	} catch {
		return false;
	}
}

export const timeZoneSchema = wellFormed(z.string().trim().min(1).max(64)).refine(isValidTimeZone, { message: 'validation.timeZone' });
export const localeSchema = z.enum(['en', 'zh-CN']);
export const weekStartSchema = z.coerce.number().int().min(1).max(7);
export const roleSchema = z.enum(ROLES);
export const idSchema = z.uuid();
const optionalId = z.preprocess((v) => (v === '' || v === null ? undefined : v), idSchema.optional());

export const signupSchema = z.object({
	organizationName: trimmed(NAME_MAX),
	name: trimmed(NAME_MAX),
	email: emailSchema,
	password: passwordSchema,
	timeZone: timeZoneSchema.default('UTC'),
	locale: localeSchema.default('en')
});

export const loginSchema = z.object({
	email: emailSchema,
	password: wellFormed(z.string().min(1).max(PASSWORD_MAX))
});

export const organizationSettingsSchema = z.object({
	name: trimmed(NAME_MAX),
	timeZone: timeZoneSchema,
	locale: localeSchema,
	weekStart: weekStartSchema
});

export const teamCreateSchema = z.object({
	name: trimmed(NAME_MAX),
	parentId: optionalId
});

export const teamUpdateSchema = z.object({
	teamId: idSchema,
	name: trimmed(NAME_MAX),
	parentId: optionalId,
	leaderIds: z.array(idSchema).max(20).default([])
});

export const teamRefSchema = z.object({ teamId: idSchema });

export const inviteSchema = z.object({
	email: emailSchema,
	role: roleSchema,
	teamId: optionalId
});

export const invitationRefSchema = z.object({ invitationId: idSchema });

export const memberRoleSchema = z.object({ userId: idSchema, role: roleSchema });
export const memberMoveSchema = z.object({ userId: idSchema, teamId: optionalId });
export const memberRefSchema = z.object({ userId: idSchema });
/** A checkbox posts "on" when ticked and nothing when not; the API may send a boolean. */
export const memberCompetesSchema = z.object({
	userId: idSchema,
	competes: z.union([z.boolean(), z.enum(['on', 'true', 'false', 'off'])]).optional().transform((v) => v === true || v === 'on' || v === 'true')
});

export const acceptNewSchema = z.object({ name: trimmed(NAME_MAX), password: passwordSchema });

export const passwordChangeSchema = z.object({
	currentPassword: z.string().min(1).max(PASSWORD_MAX),
	newPassword: passwordSchema
});
export const passwordResetSchema = z.object({ password: passwordSchema });

export const profileSchema = z.object({ name: trimmed(NAME_MAX), locale: localeSchema });
