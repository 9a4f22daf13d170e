// Every migration, in order. A static list works the same under Vite, tsx and a bundled build.
import type { Migration } from 'kysely';
import * as foundation from './20261128000000_foundation';
import * as scoring from './20261128010000_scoring';
import * as authHardening from './20261129100000_auth_hardening';
import * as jobs from './20261129220000_jobs';
import * as membershipCompetes from './20261129230000_membership_competes';
import * as eventOrgSeq from './20261129230100_event_org_seq';
import * as metricBounds from './20261129230200_metric_bounds';
import * as localizedNames from './20261130010000_localized_names';
import * as contests from './20261130020000_contests';
import * as orgSeqSequences from './20261130023600_org_seq_sequences';
import * as systemMetrics from './20261130024100_system_metrics';
import * as recognitionSources from './20261130030000_recognition_sources';
import * as kudos from './20261130031000_kudos';
import * as badges from './20261130032000_badges';
import * as coinsRewardsIdeas from './20261130033000_coins_rewards_ideas';
import * as recognitionFeed from './20261130040000_recognition_feed';
import * as goals from './20261130050000_goals';
import * as training from './20261130060000_training';
import * as displays from './20261130070000_displays';
import * as integrations from './20261130080000_integrations';
import * as appeals from './20261130090000_appeals';
import * as displaySounds from './20261130093000_display_sounds';
import * as coachingFlags from './20261130100000_coaching_flags';
import * as reviews from './20261130101500_reviews';
import * as transparency from './20261130110000_transparency';
import * as channelPreviousSecret from './20261201000000_channel_previous_secret';

export const migrations: Record<string, Migration> = {
	'20261128000000_foundation': foundation,
	'20261128010000_scoring': scoring,
	'20261129100000_auth_hardening': authHardening,
	'20261129220000_jobs': jobs,
	'20261129230000_membership_competes': membershipCompetes,
	'20261129230100_event_org_seq': eventOrgSeq,
	'20261129230200_metric_bounds': metricBounds,
	'20261130010000_localized_names': localizedNames,
	'20261130020000_contests': contests,
	'20261130023600_org_seq_sequences': orgSeqSequences,
	'20261130024100_system_metrics': systemMetrics,
	'20261130030000_recognition_sources': recognitionSources,
	'20261130031000_kudos': kudos,
	'20261130032000_badges': badges,
	'20261130033000_coins_rewards_ideas': coinsRewardsIdeas,
	'20261130040000_recognition_feed': recognitionFeed,
	'20261130050000_goals': goals,
	'20261130060000_training': training,
	'20261130070000_displays': displays,
	'20261130080000_integrations': integrations,
	'20261130090000_appeals': appeals,
	'20261130093000_display_sounds': displaySounds,
	'20261130100000_coaching_flags': coachingFlags,
	'20261130101500_reviews': reviews,
	'20261130110000_transparency': transparency,
	'20261201000000_channel_previous_secret': channelPreviousSecret
};
