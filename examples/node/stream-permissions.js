#!/usr/bin/env node
// Streams the users' effective permissions (PermissionService.ListUserPermissions), stops after
// --stop-after pages, then opens a new stream from the last page's next_page_token and reads it
// to the end — a client that stops early and resumes later sees every user exactly once.
// Prints `phase first|resumed page N users=K next=<token|->`, one line per user
// `user EMAIL ID <cloud>=<role>[<project>=<role>,…] …`, and `owners …` from the first page.
//   node stream-permissions.js [--page-size N] [--stop-after PAGES] [--user-id usr_…]
//                              [--page-token TOKEN]   (start from a token printed earlier)
'use strict';

const { client, metadata, deadline, readPages, parseArgs, fail } = require('./lib/rolecall');

function describe(u) {
  const clouds = u.clouds.map((c) => {
    const projects = c.projects.map((p) => `${p.project_name}=${p.role}`).join(',');
    return `${c.cloud_name}=${c.role || '-'}[${projects}]`;
  });
  return `user ${u.user_email} ${u.user_id} ${clouds.join(' ')}`.trimEnd();
}

async function stream(service, args, phase, token, stopAfter) {
  const call = service.ListUserPermissions(
    { user_id: args.user_id, page_size: args.page_size, page_token: token },
    metadata(), { deadline: deadline() });
  let n = 0;
  const result = await readPages(call, (page) => {
    n += 1;
    if (page.org_owners.length) {
      console.log(`owners ${page.organization_id} ${page.org_owners.map((o) => o.user_email).join(' ')}`);
    }
    console.log(`phase ${phase} page ${n} users=${page.users.length} next=${page.next_page_token || '-'}`);
    for (const u of page.users) console.log(describe(u));
    // Stop here (only when there is something left to resume from).
    return !(stopAfter > 0 && n >= stopAfter && page.next_page_token);
  });
  return result;
}

async function main() {
  const args = parseArgs(process.argv.slice(2),
    { page_size: 2, stop_after: 1, user_id: '', page_token: '' });
  const permissions = client('PermissionService');
  const first = await stream(permissions, args, 'first', args.page_token, args.stop_after);
  if (first.stopped) {
    console.log(`stopped after ${first.pages} page(s); resuming from ${first.lastToken}`);
    await stream(permissions, args, 'resumed', first.lastToken, 0);
  }
  console.log('done');
  permissions.close();
}

main().catch(fail);
