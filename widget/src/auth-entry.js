// static/auth.js: the sign-in UI, loaded by porch.js (signin.js) only where it is needed. It hands createAuth to
// the <script> element that porch.js made for it, through an event on that element, so it defines no global and
// nothing else on the page can stand in for it.
import { createAuth } from './auth.js';

document.currentScript.dispatchEvent(new CustomEvent('porch:module', { detail: createAuth }));
