/**
 * Telegram, two surfaces: Telegram Web (web.telegram.org, /k/ and /a/ clients: .bubble[data-mid]
 * messages in an inner scrollable, older messages load at the top) and the public channel preview
 * t.me/s/<channel> (.tgme_widget_message[data-post="channel/123"], more loads at the top too).
 * Built against the project's fixtures written from Telegram's DOM structure, not verified live.
 */
import type { SiteDefinition } from '../definition';
import { generic } from './generic';

export const telegramWeb: SiteDefinition = {
  ...generic,
  id: 'telegram-web',
  version: '2026.12.1',
  name: 'Telegram Web',
  hosts: ['web.telegram.org'],
  direction: 'up',
  items: ['.bubble[data-mid]', '[data-message-id]', '[role=log] [data-mid]'],
  pane: ['.bubbles .scrollable', '.MessageList', '[role=log]'],
  keyAttributes: ['data-mid', 'data-message-id'],
  permalink: [],
  authorName: ['.peer-title', '.message-title', '.sender-title'],
  authorLink: [],
  time: ['.time-inner[title]', '.message-time[title]', 'time[datetime]'],
  prePlainText: null,
  text: ['.message', '.text-content', '.translatable-message'],
  replyTo: [{ selector: '.reply[data-reply-to-mid]', attribute: 'data-reply-to-mid' }, ...generic.replyTo],
};

export const telegramPreview: SiteDefinition = {
  ...generic,
  id: 'telegram-preview',
  version: '2026.12.1',
  name: 'Telegram public channel preview (t.me/s/)',
  hosts: ['t.me', 'telegram.me'],
  paths: ['^/s/'],
  direction: 'up',
  items: ['.tgme_widget_message[data-post]'],
  pane: [],
  keyAttributes: ['data-post'],
  permalink: ['a.tgme_widget_message_date[href]'],
  authorName: ['.tgme_widget_message_owner_name'],
  authorLink: ['a.tgme_widget_message_owner_name[href]'],
  time: ['time[datetime]'],
  prePlainText: null,
  text: ['.tgme_widget_message_text'],
  media: ['.tgme_widget_message_photo_wrap', 'video[src]', 'img[src]'],
  counts: [{ name: 'views', selector: '.tgme_widget_message_views' }],
  replyTo: [{ selector: 'a.tgme_widget_message_reply[href]', attribute: 'href' }],
};
