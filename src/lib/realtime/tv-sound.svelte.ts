// The TV's celebration sounds. Browsers let a page play sound only after someone clicked it, so sound
// starts with a one-time "enable sound" click (remembered; a browser that still refuses after a reload
// asks again). A kind with an uploaded clip plays it (fetched once per version, decoded, kept: at most
// one buffer per kind); the others play a built-in chime synthesized with oscillators. Every node is
// stopped and disconnected when its sound ends, so weeks of celebrations leave nothing behind.
import type { SoundKind } from '$lib/shared/displays/displays';

export const SOUND_KEY = 'podium.tv.sound';
type Fetch = (kind: SoundKind) => Promise<{ mime: string; version: string; data: string } | null>;

/** Built-in chimes: notes (Hz) and their start times (s) per kind. */
const CHIMES: Record<SoundKind, [number, number][]> = {
	deal: [
		[523.25, 0],
		[659.25, 0.1],
		[783.99, 0.2],
		[1046.5, 0.32]
	],
	badge: [
		[880, 0],
		[1318.5, 0.09],
		[1760, 0.18]
	],
	goal: [
		[392, 0],
		[523.25, 0.12],
		[659.25, 0.24],
		[783.99, 0.36],
		[1046.5, 0.5]
	],
	contest: [
		[440, 0],
		[440, 0.16],
		[587.33, 0.32]
	],
	kudos: [
		[659.25, 0],
		[987.77, 0.14]
	],
	manual: [
		[523.25, 0],
		[783.99, 0.12],
		[1046.5, 0.24]
	]
};

export class TvSound {
	enabled = $state(false);
	/** The browser refuses to play until someone clicks "enable sound". */
	blocked = $state(false);
	private ctx: AudioContext | null = null;
	private buffers = new Map<SoundKind, { version: string; buffer: Promise<AudioBuffer | null> }>();

	constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'>) {}

	/** After a reload: sound was enabled once; the browser may still want a click. */
	async restore() {
		if (this.storage.getItem(SOUND_KEY) !== 'on') return;
		this.enabled = true;
		await this.context();
	}

	/** The one-time click. */
	async enable() {
		this.storage.setItem(SOUND_KEY, 'on');
		this.enabled = true;
		await this.context();
		if (!this.blocked) this.play('manual', undefined, async () => null);
	}

	private async context(): Promise<AudioContext | null> {
		if (typeof AudioContext === 'undefined') return null;
		this.ctx ??= new AudioContext();
		if (this.ctx.state === 'suspended') await this.ctx.resume().catch(() => {});
		this.blocked = this.ctx.state !== 'running';
		return this.blocked ? null : this.ctx;
	}

	/** Plays a kind's sound: its uploaded clip (version known from the TV's state) or the chime. */
	async play(kind: SoundKind, version: string | undefined, fetchClip: Fetch) {
		if (!this.enabled) return;
		const ctx = await this.context();
		if (!ctx) return;
		const clip = version ? await this.clip(ctx, kind, version, fetchClip) : null;
		if (clip) {
			const source = ctx.createBufferSource();
			const gain = ctx.createGain();
			gain.gain.value = 0.9;
			source.buffer = clip;
			source.connect(gain).connect(ctx.destination);
			source.onended = () => {
				source.disconnect();
				gain.disconnect();
			};
			source.start();
			return;
		}
		this.chime(ctx, kind);
	}

	private clip(ctx: AudioContext, kind: SoundKind, version: string, fetchClip: Fetch): Promise<AudioBuffer | null> {
		const known = this.buffers.get(kind);
		if (known?.version === version) return known.buffer;
		const buffer = fetchClip(kind)
			.then(async (found) => {
				if (!found) return null;
				const bytes = Uint8Array.from(atob(found.data), (c) => c.charCodeAt(0));
				return await ctx.decodeAudioData(bytes.buffer);
			})
			.catch(() => null);
		this.buffers.set(kind, { version, buffer });
		return buffer;
	}

	private chime(ctx: AudioContext, kind: SoundKind) {
		const at = ctx.currentTime + 0.02;
		const master = ctx.createGain();
		master.gain.value = 0.22;
		master.connect(ctx.destination);
		let last = 0;
		for (const [frequency, offset] of CHIMES[kind]) {
			const osc = ctx.createOscillator();
			const env = ctx.createGain();
			osc.type = 'triangle';
			osc.frequency.value = frequency;
			env.gain.setValueAtTime(0.0001, at + offset);
			env.gain.exponentialRampToValueAtTime(1, at + offset + 0.02);
			env.gain.exponentialRampToValueAtTime(0.0001, at + offset + 0.6);
			osc.connect(env).connect(master);
			osc.start(at + offset);
			osc.stop(at + offset + 0.65);
			osc.onended = () => {
				osc.disconnect();
				env.disconnect();
			};
			last = Math.max(last, offset + 0.7);
		}
		setTimeout(() => master.disconnect(), (last + 0.2) * 1000);
	}

	close() {
		this.buffers.clear();
		void this.ctx?.close().catch(() => {});
		this.ctx = null;
	}
}
