#!/usr/bin/env node
// Lists the users of the key's organization, one page per call: each call reads one streamed
// page, stops the stream, and the next call resumes with that page's next_page_token — what a
// client paging through a UI does. Prints, per page, `page N users=K next=<token|->` and one
// `user EMAIL ID ROLE NAME` line per user.
//   node list-users.js [--page-size N] [--email SUBSTR] [--name SUBSTR]
//                      [--collaborator-type all_accounts|only_service_accounts|only_user_accounts]
'use strict';

const { client, metadata, deadline, readPages, parseArgs, fail } = require('./lib/rolecall');

async function main() {
  const args = parseArgs(process.argv.slice(2),
    { page_size: 2, email: '', name: '', collaborator_type: '' });
  const users = client('UserService');
  let token = '';
  let pageNumber = 0;
  let total = 0;
  do {
    const call = users.ListUsers({
      email: args.email, name: args.name, collaborator_type: args.collaborator_type,
      page_size: args.page_size, page_token: token,
    }, metadata(), { deadline: deadline() });
    let page = null;
    await readPages(call, (p) => { page = p; return false; });  // one page, then stop
    if (page === null) break;  // no page at all: nothing (more) to list
    pageNumber += 1;
    total += page.users.length;
    console.log(`page ${pageNumber} users=${page.users.length} next=${page.next_page_token || '-'}`);
    for (const u of page.users) {
      console.log(`user ${u.email} ${u.user_id} ${u.permission_level} ${u.name}`);
    }
    token = page.next_page_token;
  } while (token);
  console.log(`total ${total}`);
  users.close();
}

main().catch(fail);
