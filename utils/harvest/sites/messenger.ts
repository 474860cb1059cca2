/**
 * Messenger (messenger.com and facebook.com/messages): the conversation is a role=grid or role=log
 * of role=row messages in an inner scrolling pane, older messages load at the top; sender and time
 * are in the row's accessible labels and <time>/[data-utime] elements. Built against the project's
 * fixtures written from Messenger's DOM structure, not verified on the live site.
 */
import type { SiteDefinition } from '../definition';
import { generic } from './generic';

export const messenger: SiteDefinition = {
  ...generic,
  id: 'messenger',
  version: '2026.12.1',
  name: 'Messenger',
  hosts: ['messenger.com', 'facebook.com'],
  paths: [],
  direction: 'up',
  items: ['[role=main] [role=grid] [role=row]', '[role=log] [role=row]', '[data-testid=message-container]'],
  pane: ['[role=main] [role=grid]', '[role=log]'],
  keyAttributes: ['data-id', 'data-mid', 'data-message-id'],
  permalink: [],
  authorName: ['[data-sender-name]', 'h4', 'h5'],
  authorLink: ['a[href*="/t/"], a[href^="https://www.facebook.com/"]'],
  time: ['time[datetime]', '[data-utime]', 'abbr[title]'],
  prePlainText: null,
  text: ['[dir=auto]'],
};
