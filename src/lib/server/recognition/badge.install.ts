// Badges and levels at start-up: the rules engine listens to scores.changed (process-local: the process
// that committed the events evaluates them) and to achievement.signal (recorded once per ref, then
// counted). Evaluations run after the events' commit and never hold up ingest.
import type { RecognitionInstaller } from './recognition.install';
import { evaluateSignal, queueScores, track } from './badge.engine';
import { evaluateLevels } from './level.service';

export const installBadges: RecognitionInstaller = async ({ db, live, events, scheduler }) => {
	const deps = { db, live, events, clock: scheduler.clock };
	const stops = [
		events.on('scores.changed', ({ organizationId, events: scored }) => {
			track(queueScores(deps, organizationId, scored), 'evaluating score events');
			track(evaluateLevels(deps, organizationId, scored), 'evaluating levels');
		}),
		events.on('achievement.signal', (signal) => track(evaluateSignal(deps, signal), `recording signal ${signal.ref}`))
	];
	return () => stops.forEach((stop) => stop());
};
