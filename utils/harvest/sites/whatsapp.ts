/**
 * WhatsApp Web: the open chat is a role=application list of role=row messages inside an inner
 * scrolling pane (#main); each message's [data-id] is its identity and its .copyable-text carries
 * data-pre-plain-text="[hh:mm, d/m/yyyy] Name: " (date order follows the phone's locale; d/m is the
 * common one outside the US). Older messages load at the top. Built against the project's fixtures
 * written from WhatsApp Web's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { generic } from './generic';

export const whatsappWeb: SiteDefinition = {
  ...generic,
  id: 'whatsapp-web',
  version: '2026.12.1',
  name: 'WhatsApp Web',
  hosts: ['web.whatsapp.com'],
  direction: 'up',
  items: ['#main [role=application] [role=row]', '[role=application] [role=row]', '#main [data-id]'],
  pane: ['#main [data-scrolled]', '#main .copyable-area > div[tabindex]'],
  keyAttributes: ['data-id'],
  permalink: [],
  authorName: ['[data-pre-plain-text]'],
  authorLink: [],
  time: [],
  prePlainText: { attribute: 'data-pre-plain-text', dateOrder: 'dmy' },
  text: ['.selectable-text.copyable-text', '.selectable-text'],
  replyTo: [{ selector: '[data-quoted-id]', attribute: 'data-quoted-id' }, ...generic.replyTo],
  expandLabels: [...generic.expandLabels, 'read more', 'lire la suite'],
};
