// The boundary for sign-in (issue 5). The widget asks this module for two things only:
//   - headers to send with API calls (a session's "Authorization: Bearer ..."), and
//   - an element to show above the guest fields ("Sign in with ..." / "You are commenting as ...").
// Until sign-in exists, there are no headers and the slot stays empty; readers comment as guests.

export function createAuth(/* { api, server, site, siteInfo, t, onChange } */) {
  return {
    headers: () => ({}),
    // The element placed at the top of the "Leave a Reply" form, or null.
    slot: () => null,
    // Whether the guest fields (name, email, website) are shown.
    guestFields: () => true,
    destroy() {},
  };
}
