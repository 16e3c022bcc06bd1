#!/usr/bin/env node
// Whether a user holds at least a role on the organization, a cloud or a project
// (PermissionService.CheckPermission, the call other services make on their hot path).
// Prints `allowed=true|false effective_role=<role|->`; exit code 0 allowed, 1 denied, 2 error.
//   node check-permission.js --user usr_… (--organization | --cloud cld_… | --project prj_…)
//                            [--role readonly|collaborator|write|owner]
'use strict';

const { client, metadata, deadline, parseArgs, usage, fail } = require('./lib/rolecall');

const args = parseArgs(process.argv.slice(2),
  { user: '', organization: false, cloud: '', project: '', role: 'readonly' });
if (!args.user) usage('--user is required');
const targets = [args.organization, args.cloud, args.project].filter(Boolean);
if (targets.length !== 1) usage('give exactly one of --organization, --cloud, --project');
const resource = args.organization ? { organization: true }
  : args.cloud ? { cloud_id: args.cloud } : { project_id: args.project };

const permissions = client('PermissionService');
permissions.CheckPermission({ user_id: args.user, resource, min_role: args.role }, metadata(),
  { deadline: deadline() }, (err, response) => {
    if (err) fail(err);
    console.log(`allowed=${response.allowed} effective_role=${response.effective_role || '-'}`);
    permissions.close();
    process.exitCode = response.allowed ? 0 : 1;
  });
