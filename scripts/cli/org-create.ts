// org:create: an organization with its first admin (a new account) and the default metrics.
import { CliError, PROGRAM, UsageError } from './args';
import type { CommandSpec } from './command';
import { emailFlag, L, nameFlag, passwordFlag, slugFlag, withDb } from './context';

export const orgCreate: CommandSpec = {
	name: 'org:create',
	summary: 'Create an organization with its first admin and the default metrics.',
	flags: [
		{ name: 'name', value: 'name', required: true, help: 'the organization name, e.g. "Acme Sales"' },
		{ name: 'slug', value: 'slug', required: true, help: 'its short id, used by --org: lowercase letters, digits, hyphens' },
		{ name: 'tz', value: 'time zone', required: true, help: 'IANA time zone of its leaderboard windows, e.g. Asia/Shanghai' },
		{ name: 'admin-email', value: 'e-mail', required: true, help: 'e-mail of the first admin (a new account)' },
		{ name: 'admin-password', value: 'password', required: true, help: 'the admin\'s password, at least 10 characters; "-" reads it from stdin' },
		{ name: 'admin-name', value: 'name', help: "the admin's display name; defaults to the e-mail's local part" },
		{ name: 'locale', value: 'en|zh-CN', help: 'the organization language; defaults to en' }
	],
	examples: [`${PROGRAM} org:create --name "Acme Sales" --slug acme --tz Asia/Shanghai --admin-email ops@acme.example --admin-password 'correct horse battery'`],
	async run(flags, io) {
		const name = nameFlag(flags, 'name');
		const slug = slugFlag(flags);
		let timeZone = flags.tz!.trim();
		if (!L.isValidTimeZone(timeZone)) throw new UsageError(`--tz "${timeZone}" is not an IANA time zone (like Asia/Shanghai or Europe/Berlin)`);
		// Spelled as the time zone database spells it: asia/shanghai becomes Asia/Shanghai.
		const canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
		if (canonical.toLowerCase() === timeZone.toLowerCase()) timeZone = canonical;
		const email = emailFlag(flags, 'admin-email');
		const locale = flags.locale ?? 'en';
		if (!L.localeSchema.safeParse(locale).success) throw new UsageError(`--locale must be en or zh-CN, not "${locale}"`);
		const adminName = flags['admin-name'] ? nameFlag(flags, 'admin-name') : email.split('@')[0].replace(/[._+-]+/g, ' ').trim().replace(/\b\w/g, (c) => c.toUpperCase()).slice(0, L.NAME_MAX) || 'Admin';
		const password = (await passwordFlag(flags, 'admin-password', { name: adminName, email }))!;
		await withDb(io, async ({ db }) => {
			if (await L.slugExists(db, slug)) throw new CliError(`the slug "${slug}" is taken by another organization`);
			if (await L.findUserByEmail(db, email)) throw new CliError(`an account with the e-mail ${email} exists already; choose another --admin-email`);
			const passwordHash = await L.hashPassword(password);
			const { organization } = await db.transaction().execute((trx) =>
				L.createOrganizationWithAdmin(trx, {
					organization: { name, slug, timeZone, locale },
					admin: { email, name: adminName, passwordHash, locale },
					audit: { via: 'cli' }
				})
			);
			io.out(`Created organization "${organization.name}" (${organization.slug}), time zone ${timeZone}, id ${organization.id}.`);
			io.out(`Admin: ${adminName} <${email}>; sign in at /login.`);
			io.out(`Metrics: ${L.DEFAULT_METRICS.map((m) => m.key).join(', ')}.`);
		});
	}
};
