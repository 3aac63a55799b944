// static/extras.js: what only some readers use, loaded by porch.js on demand (load.js) from the widget's own
// server: the editor and the delete confirmation of one's own comment, "Show N more replies" under a root with
// more replies than a page holds, and Porch.counts(). It hands over its parts by name (each widget part takes the
// widget's ctx first) and its English words, which porch.js adds to its own.
import { fillCounts } from './counts.js';
import { addWords } from './i18n.js';
import words from './lang/en-extras.js';
import { showMoreReplies } from './views/more.js';
import { confirmDelete, startEdit } from './views/own.js';

addWords(words); // for this file's own copy of the English table too (Porch.counts)
const parts = { words, edit: startEdit, remove: confirmDelete, more: showMoreReplies, counts: fillCounts };

document.currentScript.dispatchEvent(new CustomEvent('porch:module', { detail: parts }));
