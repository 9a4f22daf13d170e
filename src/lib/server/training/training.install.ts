// Training at start-up, called once per process by the runtime: the due-day reminder job (scheduled per
// assignment with a dedupe key, sent once per due day: the handler marks it sent conditionally) and a
// sweep that pays training points a stopped process left unpaid (the completion committed, its event not
// yet written). Paying is keyed per member and course, so processes sweeping together pay once.
import { log } from '../platform/log';
import { payUnpaidCompletions, sendReminder, type TrainingDeps } from './training.service';

export const TRAINING_SWEEP_MS = 60_000;

export async function installTraining(deps: TrainingDeps, options: { sweep?: boolean } = {}): Promise<() => void> {
	deps.scheduler.register('training.reminder', async ({ assignmentId, dueOn }) => void (await sendReminder(deps, assignmentId, dueOn)));
	if (options.sweep === false) return () => {};
	const sweep = () => payUnpaidCompletions(deps).catch((error) => log.warn('training: paying unpaid completions failed', error));
	const timer = setInterval(sweep, TRAINING_SWEEP_MS);
	timer.unref?.();
	return () => clearInterval(timer);
}
