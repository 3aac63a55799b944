// static/extras.js: what only some readers use, loaded by porch.js on demand (load.js) from the widget's own
// server: the editor and the delete confirmation of one's own comment, reading on past the first page (views/
// paging.js), the report dialog, the reader's comments that await moderation and a moderator's tools (views/
// mine.js), and Porch.counts(). It hands over its parts by name (each widget part takes the widget's ctx first)
// and its English words, which porch.js adds to its own.
import { fillCounts } from './counts.js';
import { addWords } from './i18n.js';
import words from './lang/en-extras.js';
import { mine } from './views/mine.js';
import { confirmDelete, startEdit } from './views/own.js';
import { loadMore, showMoreReplies, sortBy } from './views/paging.js';
import { report } from './views/report.js';

addWords(words); // for this file's own copy of the English table too (Porch.counts)
const parts = { words, edit: startEdit, remove: confirmDelete, more: showMoreReplies, loadMore, sortBy, report, mine, counts: fillCounts };

document.currentScript.dispatchEvent(new CustomEvent('porch:module', { detail: parts }));
