// English words of the sign-in UI, built into static/auth.js (not porch.js), which adds them to porch.js's English
// table when it loads (i18n.js addWords). Every other language pack has these keys too.
export default {
  signInWith: 'Sign in with {name}',
  commentingAs: 'You are commenting as {name}.',
  logOut: 'Log Out',
  change: 'Change',
  yourInstance: 'Your instance (e.g. mastodon.social)',
  yourWebsite: 'Your website',
  finishInPopup: 'Finish signing in in the pop-up window.',
  signInFailed: 'Signing in did not work. Please try again.',
  err_popup_blocked: 'The sign-in window was blocked. Please allow pop-ups and try again.',
  enterCode: 'Enter the code shown in the sign-in window',
  useCode: 'Sign in',
  err_code_malformed: 'That is not the code from the sign-in window. Please check it and type it again.',
  err_invalid_code: 'That code is not the right one, so this sign-in has ended. Please sign in again.',
  err_login_expired: 'Signing in took too long. Please sign in again.',
  err_login_redeemed: 'This sign-in was already used. Please sign in again.',
  err_sign_in_required: 'Please sign in to comment.',
  err_invalid_token: 'You were signed out. Please sign in again.',
};
