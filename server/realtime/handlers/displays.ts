// A TV's socket handlers. A pairing socket may only wait for its own code (proving it with the secret it
// received with the code). A paired TV's socket (its device token) reads its own display's state and
// slides; a leaderboard or kudos slide's rooms are joined so its pushes arrive while it is shown. A
// leaderboard slide joins the board's limited room, whose pushes carry no rows (a member who hides from
// displays must not reach a TV even unseen): the TV reads the slide again, without them.
import { log } from '../../../src/lib/server/platform/log';
import { describeError } from '../../../src/lib/server/platform/validation';
import { pairingStatus, screenSeen, slideData, tvState, type ScreenIdentity } from '../../../src/lib/server/displays/display.service';
import { SLIDE_TYPES } from '../../../src/lib/shared/displays/slides';
import { soundForScreen } from '../../../src/lib/server/displays/display.sounds';
import { encodeBoardChannel } from '../../../src/lib/shared/boards/identity';
import { rooms } from '../../../src/lib/shared/socket-events';
import { isLocale } from '../../../src/lib/i18n';
import type { PodiumSocket, RealtimeContext } from '../domain';

/** Rooms a TV joins for its slides' pushes, at most. */
const MAX_TV_ROOMS = 40;

export function displayHandlers(socket: PodiumSocket, { rt, watchers }: RealtimeContext) {
	const role = socket.data.role;
	if (role === 'pairing') {
		socket.on('tv:await', async (selector, ack) => {
			if (typeof ack !== 'function') return;
			try {
				const found = await pairingStatus(rt, selector?.code, selector?.secret);
				if (!found) return ack({ error: 'not found' });
				if (found.status === 'waiting') {
					socket.data.pairingSecret = selector.secret;
					await socket.join(rooms.pairing(found.pairingId));
					// Claimed between the read and the join: answer from a fresh read.
					const again = await pairingStatus(rt, selector.code, selector.secret);
					if (again?.status === 'paired') return ack({ data: { status: 'paired', token: again.token } });
					return ack({ data: { status: 'waiting' } });
				}
				ack({ data: found.status === 'paired' ? { status: 'paired', token: found.token } : { status: 'expired' } });
			} catch (error) {
				log.warn('realtime: tv:await failed', error);
				ack({ error: 'unavailable' });
			}
		});
		return;
	}
	if (role !== 'display' || !socket.data.screenId || !socket.data.displayId) {
		// A member's (or an API token's) socket is no TV: its questions are refused, not left unanswered.
		const refuse = (...args: unknown[]) => {
			const ack = args[args.length - 1];
			if (typeof ack === 'function') ack({ error: 'forbidden: only a paired display may ask this' });
		};
		for (const event of ['tv:await', 'tv:hello', 'tv:slide', 'tv:showing', 'tv:time', 'tv:sound'] as const) socket.on(event, refuse as never);
		return;
	}
	const screen: ScreenIdentity = { screenId: socket.data.screenId, displayId: socket.data.displayId, organizationId: socket.data.organizationId };
	const joined = new Set<string>();
	let locale: 'en' | 'zh-CN' = 'en';

	socket.on('tv:time', (ack) => typeof ack === 'function' && ack({ data: Date.now() }));
	socket.on('tv:sound', async (selector, ack) => {
		if (typeof ack !== 'function') return;
		try {
			ack({ data: await soundForScreen(rt.db, screen, selector?.kind) });
		} catch (error) {
			const described = describeError('en', error);
			if (!described) log.warn('realtime: tv:sound failed', error);
			ack({ error: described?.message ?? 'unavailable' });
		}
	});
	socket.on('tv:hello', async (report, ack) => {
		if (typeof ack !== 'function') return;
		try {
			await screenSeen(rt.db, screen, { userAgent: report?.userAgent ?? socket.handshake.headers['user-agent'], resolution: report?.resolution });
			const state = await tvState(rt, screen);
			if (isLocale(state.display.locale)) locale = state.display.locale;
			ack({ data: state });
		} catch (error) {
			const described = describeError('en', error);
			if (!described) log.warn('realtime: tv:hello failed', error);
			ack({ error: described?.message ?? 'unavailable' });
		}
	});
	socket.on('tv:slide', async (selector, ack) => {
		if (typeof ack !== 'function') return;
		try {
			const data = await slideData(rt, screen, selector?.slideId, locale);
			const org = screen.organizationId;
			const dayBoard = (board: string) => rooms.boardLimited(org, encodeBoardChannel({ board, scope: 'users', window: 'day' }));
			const wanted =
				data.type === 'leaderboard'
					? [rooms.boardLimited(org, encodeBoardChannel({ board: data.board, scope: data.scope, window: SLIDE_TYPES.leaderboard.shape.window.parse(data.window) }))]
					: data.type === 'kudos'
						? [rooms.kudos(org)]
						: data.type === 'contest' && data.contest
							? [rooms.contest(org, data.contest.id)]
							: data.type === 'goals' || data.type === 'kpis'
								? data.boards.map(dayBoard)
								: [];
			const fresh = wanted.filter((room) => !joined.has(room)).slice(0, Math.max(0, MAX_TV_ROOMS - joined.size));
			if (fresh.length) {
				for (const room of fresh) joined.add(room);
				await watchers.watch(org, fresh, () => socket.join(fresh));
			}
			ack({ data });
		} catch (error) {
			const described = describeError('en', error);
			if (!described) log.warn('realtime: tv:slide failed', error);
			ack({ error: described?.message ?? 'unavailable' });
		}
	});
	let lastShown = '';
	let lastTouched = 0;
	// Recorded when the slide changes, and at most every 30 s otherwise (the TV reports every 30 s: its heartbeat).
	socket.on('tv:showing', async (report, ack) => {
		const slide = typeof report?.slide === 'string' ? report.slide.slice(0, 80) : '';
		if (slide && (slide !== lastShown || Date.now() - lastTouched > 30_000)) {
			lastShown = slide;
			lastTouched = Date.now();
			await screenSeen(rt.db, screen, { slide }).catch((error) => log.warn('realtime: tv:showing failed', error));
		}
		if (typeof ack === 'function') ack({ data: true });
	});
	socket.on('disconnect', () => {
		// No current slide: the displays page shows it offline.
		void screenSeen(rt.db, screen, { slide: null }).catch(() => {});
	});
}
