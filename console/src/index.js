// console.js: the moderation console at PUBLIC_URL/admin/ (static/admin/index.html loads it).
import { startConsole } from './app.js';

const root = document.getElementById('console');
if (root) startConsole(root);
