// From a CRM's request body to records (plain objects the mapping rules read by dot paths). Each kind
// has its documented shape; anything else is malformed (400), never half-read.
//  - hubspot: a JSON array of events (objectId, propertyName, propertyValue, occurredAt…).
//  - pipedrive (webhooks v2): one object { meta, data, previous }.
//  - salesforce: a SOAP envelope of Outbound Messages, 1 to 100 <notification>s, each with an <sObject>.
//  - zoho: a notification channel's callback { channel_id, token, module, operation, ids, … }.
//  - generic, fxiaoke: a JSON object (one record) or an array of objects (several).
export type CrmRecord = Record<string, unknown>;

export class MalformedBody extends Error {
	constructor(readonly field: string, message: string) {
		super(message);
		this.name = 'MalformedBody';
	}
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_RECORDS = 100;

function parseJson(body: string): unknown {
	try {
		return JSON.parse(body);
	} catch {
		throw new MalformedBody('body', 'the body is not valid JSON');
	}
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function objects(list: unknown[], what: string): CrmRecord[] {
	if (list.length > MAX_RECORDS) throw new MalformedBody('body', `at most ${MAX_RECORDS} ${what} per delivery`);
	list.forEach((item, i) => {
		if (!isObject(item)) throw new MalformedBody(`body[${i}]`, `each ${what} must be a JSON object`);
	});
	return list as CrmRecord[];
}

export interface SalesforceMessage {
	organizationId: string;
	records: CrmRecord[];
}

export function recordsOf(kind: string, body: string): CrmRecord[] {
	if (kind === 'salesforce') return parseSalesforce(body).records;
	const json = parseJson(body);
	switch (kind) {
		case 'hubspot':
			if (!Array.isArray(json)) throw new MalformedBody('body', 'a HubSpot delivery is a JSON array of events');
			return objects(json, 'event');
		case 'pipedrive':
			if (!isObject(json) || !isObject(json.data)) throw new MalformedBody('data', 'a Pipedrive delivery is an object with meta and data');
			return [json];
		case 'zoho': {
			if (!isObject(json)) throw new MalformedBody('body', 'a Zoho notification is a JSON object');
			if (Array.isArray(json.data)) return objects(json.data, 'record').map((r) => ({ ...r, module: json.module, operation: json.operation }));
			const ids = Array.isArray(json.ids) ? json.ids : [];
			return objects(ids.map((id) => ({ id, module: json.module, operation: json.operation })), 'id');
		}
		default:
			if (Array.isArray(json)) return objects(json, 'record');
			if (isObject(json)) return [json];
			throw new MalformedBody('body', 'the body must be a JSON object or an array of objects');
	}
}

/** The Zoho channel token echoed in the callback (checked against the connection's secret). */
export function zohoToken(body: string): string | null {
	try {
		const json = JSON.parse(body);
		return isObject(json) && typeof json.token === 'string' ? json.token : null;
	} catch {
		return null;
	}
}

// A small strict XML reader for SOAP: elements, attributes (ignored), text, entities and CDATA. It
// refuses DOCTYPE (no entity expansion) and anything unbalanced.
type XmlNode = { name: string; children: XmlNode[]; text: string; nil: boolean };

function decodeEntities(s: string): string {
	return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
		if (e === 'lt') return '<';
		if (e === 'gt') return '>';
		if (e === 'amp') return '&';
		if (e === 'quot') return '"';
		if (e === 'apos') return "'";
		const code = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
		return String.fromCodePoint(code);
	});
}

export function parseXml(xml: string): XmlNode {
	const bad = (m: string) => new MalformedBody('body', `the body is not valid XML: ${m}`);
	if (/<!DOCTYPE/i.test(xml)) throw bad('DOCTYPE is not allowed');
	const root: XmlNode = { name: '#root', children: [], text: '', nil: false };
	const stack: XmlNode[] = [root];
	const re = /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([^\s>]+)\s*>|<([^\s/>!?]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(xml))) {
		const top = stack[stack.length - 1];
		if (m[1] !== undefined) top.text += m[1];
		else if (m[2] !== undefined) {
			if (stack.length === 1 || localName(top.name) !== localName(m[2]) || top.name !== m[2]) throw bad(`unexpected </${m[2]}>`);
			stack.pop();
		} else if (m[3] !== undefined) {
			const node: XmlNode = { name: m[3], children: [], text: '', nil: /\bxsi:nil\s*=\s*["']true["']/.test(m[4] ?? '') };
			top.children.push(node);
			if (!m[5]) stack.push(node);
		} else if (m[6] !== undefined) {
			if (stack.length === 1 && m[6].trim()) throw bad('text outside the root element');
			top.text += decodeEntities(m[6]);
		} else if (m[7] !== undefined) throw bad('a stray <');
	}
	if (stack.length !== 1) throw bad(`<${stack[stack.length - 1].name}> is not closed`);
	if (root.children.length !== 1) throw bad('one root element is expected');
	return root.children[0];
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);
const child = (node: XmlNode, name: string) => node.children.find((c) => localName(c.name) === name);

export function parseSalesforce(body: string): SalesforceMessage {
	const envelope = parseXml(body);
	const soapBody = localName(envelope.name) === 'Envelope' ? child(envelope, 'Body') : undefined;
	const notifications = soapBody ? child(soapBody, 'notifications') : undefined;
	if (!notifications) throw new MalformedBody('body', 'a Salesforce outbound message is a SOAP envelope with <notifications>');
	const organizationId = child(notifications, 'OrganizationId')?.text.trim() ?? '';
	if (!organizationId) throw new MalformedBody('OrganizationId', 'the outbound message has no OrganizationId');
	const list = notifications.children.filter((c) => localName(c.name) === 'Notification');
	if (list.length < 1 || list.length > MAX_RECORDS) throw new MalformedBody('Notification', `an outbound message carries 1 to ${MAX_RECORDS} notifications`);
	const records = list.map((n) => {
		const sObject = child(n, 'sObject');
		const fields: Record<string, string | null> = {};
		for (const f of sObject?.children ?? []) fields[localName(f.name)] = f.nil ? null : f.text.trim();
		return { Id: child(n, 'Id')?.text.trim() ?? '', sObject: fields } satisfies CrmRecord;
	});
	return { organizationId, records };
}

/** The acknowledgement Salesforce waits for; without it, it retries the message for 24 hours. */
export const SALESFORCE_ACK =
	'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

/** Salesforce ids come in a 15-character form and an 18-character one that adds a checksum. */
export const sameSalesforceOrg = (a: string, b: string) => a.length >= 15 && b.length >= 15 && a.slice(0, 15) === b.slice(0, 15);
