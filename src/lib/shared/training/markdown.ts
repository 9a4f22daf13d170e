// Module bodies: Markdown rendered to HTML that is safe to insert, on the server and in the editor's
// preview alike, and video links turned into an embed of a known host or left a plain link.
//
// Invariant: no HTML from the author reaches the page. markdown-it runs with `html: false`, so every `<`
// in the source is escaped as text; links and images keep only http(s) and mailto URLs (javascript:,
// data:, vbscript: and anything else become plain text), images are not rendered at all, and every link
// opens in a new tab without referrer or opener.
import MarkdownIt from 'markdown-it';

export const BODY_MAX = 20_000;

const SAFE_LINK = /^(https?:|mailto:)/i;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable(['image']);
// Relative links have no meaning in a module (and could point anywhere in the app): only absolute ones.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
	tokens[idx].attrSet('target', '_blank');
	tokens[idx].attrSet('rel', 'noopener noreferrer nofollow');
	return defaultLinkOpen(tokens, idx, options, env, self);
};

/** The module body as HTML, safe to insert with {@html}. */
export function renderMarkdown(source: string): string {
	return md.render(source.slice(0, BODY_MAX));
}

export type VideoLink = { kind: 'embed'; host: 'youtube' | 'vimeo'; src: string; url: string } | { kind: 'link'; url: string };

/** The URL if it is an absolute http(s) URL, normalized; otherwise null. */
export function httpUrl(value: string): string | null {
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		return null;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
	if (url.username || url.password) return null;
	return url.toString();
}

const YOUTUBE_ID = /^[A-Za-z0-9_-]{11}$/;
const VIMEO_ID = /^\d{1,12}$/;

/**
 * How a module's video is shown: an embed for YouTube and Vimeo (their privacy-friendly players, the
 * only frame sources the CSP allows), a link for any other http(s) URL, null for anything else.
 */
export function videoLink(value: string | null | undefined): VideoLink | null {
	if (!value) return null;
	const normalized = httpUrl(value);
	if (!normalized) return null;
	const url = new URL(normalized);
	const host = url.hostname.toLowerCase().replace(/^www\.|^m\./, '');
	let youtube: string | null = null;
	if (host === 'youtube.com' && url.pathname === '/watch') youtube = url.searchParams.get('v');
	else if (host === 'youtube.com' && /^\/(embed|shorts)\//.test(url.pathname)) youtube = url.pathname.split('/')[2] ?? null;
	else if (host === 'youtu.be') youtube = url.pathname.slice(1);
	if (youtube && YOUTUBE_ID.test(youtube)) return { kind: 'embed', host: 'youtube', src: `https://www.youtube-nocookie.com/embed/${youtube}`, url: normalized };
	if (host === 'vimeo.com') {
		const id = url.pathname.slice(1).split('/')[0];
		if (VIMEO_ID.test(id)) return { kind: 'embed', host: 'vimeo', src: `https://player.vimeo.com/video/${id}`, url: normalized };
	}
	return { kind: 'link', url: normalized };
}
