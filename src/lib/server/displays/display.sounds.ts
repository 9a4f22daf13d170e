// Celebration sounds: an admin may upload a short clip per celebration kind for every display of the
// organization; a kind without one plays the TV's built-in chime. A clip is checked by its first bytes
// (MP3, Ogg or WAV), not by the name or type the browser claims, and kept under 300 KB. TVs learn each
// clip's version with their state and fetch the clip over their own socket.
import type { Db } from '../db';
import type { Actor } from '../org/actor';
import { recordAudit } from '../org/audit.repository';
import { AppError, forbidden } from '../platform/errors';
import type { DomainEventBus } from '../platform/events';
import { SOUND_KINDS, SOUND_MAX_BYTES, type SoundKind } from '../../shared/displays/displays';
import * as repo from './display.repository';
import type { ScreenIdentity } from './display.service';

export type AudioMime = 'audio/mpeg' | 'audio/ogg' | 'audio/wav';

/** The audio format of a file by its first bytes, or null when it is none of MP3, Ogg and WAV. */
export function sniffAudio(bytes: Uint8Array): AudioMime | null {
	const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
	if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
	if (bytes.length >= 4 && ascii(0, 4) === 'OggS') return 'audio/ogg';
	if (bytes.length >= 3 && ascii(0, 3) === 'ID3') return 'audio/mpeg';
	// An MPEG audio frame header: 11 set sync bits, then a valid version and layer.
	if (bytes.length >= 2 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0 && (bytes[1] & 0x06) !== 0) return 'audio/mpeg';
	return null;
}

const isKind = (value: unknown): value is SoundKind => typeof value === 'string' && (SOUND_KINDS as readonly string[]).includes(value);

function adminOnly(actor: Actor) {
	if (actor.role !== 'admin') throw forbidden();
}

export interface SoundView {
	kind: SoundKind;
	name: string;
	mime: string;
	size: number;
	updatedAt: string;
}

export async function soundsOf(db: Db, organizationId: string): Promise<SoundView[]> {
	return (await repo.listSounds(db, organizationId)).filter((s) => isKind(s.kind)).map((s) => ({ kind: s.kind as SoundKind, name: s.name, mime: s.mime, size: Number(s.size), updatedAt: s.updated_at.toISOString() }));
}

/** Each kind's clip version (for the TV's state): a new upload is a new version. */
export async function soundVersions(db: Db, organizationId: string): Promise<Partial<Record<SoundKind, string>>> {
	return Object.fromEntries((await soundsOf(db, organizationId)).map((s) => [s.kind, String(Date.parse(s.updatedAt))]));
}

async function changedAll(deps: { db: Db; events: DomainEventBus }, organizationId: string) {
	for (const d of await repo.listDisplays(deps.db, organizationId)) deps.events.emit('display.changed', { organizationId, displayId: d.id });
}

export async function uploadSound(deps: { db: Db; events: DomainEventBus }, actor: Actor, kind: unknown, file: { name: string; bytes: Uint8Array } | null) {
	adminOnly(actor);
	if (!isKind(kind)) throw new AppError(400, 'validation.choice', undefined, 'kind');
	if (!file || file.bytes.length === 0) throw new AppError(400, 'displays.errors.soundMissing', undefined, 'file');
	if (file.bytes.length > SOUND_MAX_BYTES) throw new AppError(400, 'displays.errors.soundTooBig', undefined, 'file');
	const mime = sniffAudio(file.bytes);
	if (!mime) throw new AppError(400, 'displays.errors.soundType', undefined, 'file');
	const name = file.name.replace(/[\u0000-\u001f]/g, '').trim().slice(0, 120) || kind;
	await deps.db.transaction().execute(async (trx) => {
		await repo.putSound(trx as unknown as Db, { organization_id: actor.organizationId, kind, name, mime, data: file.bytes, uploaded_by: actor.userId });
		await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.sound_uploaded', targetType: 'organization', targetId: actor.organizationId, data: { kind, name, size: file.bytes.length } });
	});
	await changedAll(deps, actor.organizationId);
}

export async function removeSound(deps: { db: Db; events: DomainEventBus }, actor: Actor, kind: unknown) {
	adminOnly(actor);
	if (!isKind(kind)) throw new AppError(400, 'validation.choice', undefined, 'kind');
	const removed = await deps.db.transaction().execute(async (trx) => {
		const done = await repo.deleteSound(trx as unknown as Db, actor.organizationId, kind);
		if (done) await recordAudit(trx, { organizationId: actor.organizationId, actorId: actor.userId, action: 'display.sound_removed', targetType: 'organization', targetId: actor.organizationId, data: { kind } });
		return done;
	});
	if (!removed) throw new AppError(404, 'validation.notFound', undefined, 'kind');
	await changedAll(deps, actor.organizationId);
}

/** A clip for a paired TV (its own organization's), base64. */
export async function soundForScreen(db: Db, screen: ScreenIdentity, kind: unknown) {
	if (!isKind(kind)) throw new AppError(400, 'validation.choice', undefined, 'kind');
	const row = await repo.findSound(db, screen.organizationId, kind);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'kind');
	return { kind, mime: row.mime, version: String(row.updated_at.getTime()), data: Buffer.from(row.data).toString('base64') };
}

/** An uploaded clip for the admin's "play" button. */
export async function soundFile(db: Db, actor: Actor, kind: unknown) {
	adminOnly(actor);
	if (!isKind(kind)) throw new AppError(404, 'validation.notFound', undefined, 'kind');
	const row = await repo.findSound(db, actor.organizationId, kind);
	if (!row) throw new AppError(404, 'validation.notFound', undefined, 'kind');
	return { mime: row.mime, data: new Uint8Array(row.data) };
}
