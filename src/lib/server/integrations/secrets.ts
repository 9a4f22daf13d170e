// Secrets at rest: AES-256-GCM with a key derived from PODIUM_SECRET_KEY (config.secretKey). The stored
// text is "v1.<iv>.<tag>.<ciphertext>" in base64url; a wrong key or a tampered value fails to open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const keyOf = (secretKey: string) => createHash('sha256').update(`podium-secrets:${secretKey}`).digest();

export function sealSecret(secretKey: string, plain: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey), iv);
	const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
	return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
}

export function openSecret(secretKey: string, sealed: string): string {
	const [version, iv, tag, data] = sealed.split('.');
	if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('secrets: not a sealed value');
	const decipher = createDecipheriv('aes-256-gcm', keyOf(secretKey), Buffer.from(iv, 'base64url'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** A new Standard Webhooks secret: whsec_ + base64 of 24 random bytes. */
export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
/** A new plain shared secret (HubSpot app secrets and Salesforce ids are typed in by the admin instead). */
export const newSharedSecret = () => randomBytes(24).toString('base64url');
