// Kudos at start-up: a sweep that pays kudos points a stopped process left unpaid (the kudos committed,
// its events not yet written). Paying is keyed per recipient, so processes sweeping together pay once.
import { log } from '../platform/log';
import type { RecognitionInstaller } from './recognition.install';
import { payUnpaidKudos } from './kudos.service';

export const KUDOS_SWEEP_MS = 60_000;

export const installKudos: RecognitionInstaller = async (deps) => {
	const sweep = () => payUnpaidKudos(deps).catch((error) => log.warn('kudos: paying unpaid kudos failed', error));
	const timer = setInterval(sweep, KUDOS_SWEEP_MS);
	timer.unref?.();
	return () => clearInterval(timer);
};
