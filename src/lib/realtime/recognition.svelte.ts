// Recognition moments in the browser: the (app) layout feeds every 'recognition:moment' push here. A
// moment about the signed-in member queues a full-screen celebration; one about a colleague shows a
// toast. Each moment id is celebrated once, even when it arrives again (a reconnect, a second tab's
// reload within the session).
import type { RecognitionMoment, RecognitionMomentType } from '$lib/shared/recognition';

/** A member's own moments of these kinds get the full-screen celebration; a kudos received is a toast. */
const CELEBRATED = new Set<RecognitionMomentType>(['badge_awarded', 'level_up', 'reward_approved', 'idea_adopted', 'kudos_spotlight', 'goal_reached']);

const SEEN_KEY = 'podium:moments-seen';
const TOAST_MS = 6_000;
const MAX_TOASTS = 3;

export class RecognitionStore {
	celebration = $state<RecognitionMoment | null>(null);
	toasts = $state<RecognitionMoment[]>([]);
	private queue: RecognitionMoment[] = [];
	private seen = new Set<string>();
	private timers = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(private me: string | null = null) {
		try {
			for (const id of JSON.parse(sessionStorage.getItem(SEEN_KEY) ?? '[]')) this.seen.add(String(id));
		} catch {
			// No storage (server rendering, private mode): remember in memory only.
		}
	}

	setMe(userId: string) {
		this.me = userId;
	}

	/** Whether a moment is about the signed-in member. */
	isMine(moment: RecognitionMoment): boolean {
		return !!this.me && moment.user?.id === this.me;
	}

	receive = (moment: RecognitionMoment) => {
		if (!moment || typeof moment.id !== 'string' || this.seen.has(moment.id)) return;
		this.seen.add(moment.id);
		try {
			sessionStorage.setItem(SEEN_KEY, JSON.stringify([...this.seen].slice(-200)));
		} catch {
			// ignore
		}
		if (this.isMine(moment) && CELEBRATED.has(moment.type)) {
			if (this.celebration) this.queue.push(moment);
			else this.celebration = moment;
			return;
		}
		this.toasts = [...this.toasts, moment].slice(-MAX_TOASTS);
		this.timers.set(
			moment.id,
			setTimeout(() => this.dismissToast(moment.id), TOAST_MS)
		);
	};

	/** Closes the celebration on screen; the next queued one (if any) follows. */
	dismiss = () => {
		this.celebration = this.queue.shift() ?? null;
	};

	dismissToast = (id: string) => {
		clearTimeout(this.timers.get(id));
		this.timers.delete(id);
		this.toasts = this.toasts.filter((t) => t.id !== id);
	};
}
