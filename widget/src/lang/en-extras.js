// English words of the parts in static/extras.js (not porch.js), which adds them to porch.js's English table
// when it loads (i18n.js addWords). Every other language pack has these keys too.
export default {
  count: { one: '{n} comment', other: '{n} comments' },
  moreReplies: { one: 'Show {n} more reply', other: 'Show {n} more replies' },
  save: 'Save',
  cancel: 'Cancel',
  keep: 'Keep',
  confirmDelete: 'Delete this comment?',
  editLabel: 'Edit comment',
  err_edit_window_closed: 'The time for changing this comment is over.',
  err_edit_token_invalid: 'This comment can no longer be changed from this browser.',
};
