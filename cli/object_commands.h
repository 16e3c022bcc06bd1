// The generic commands on the directory's objects (clouds, projects, user groups, users, API
// keys): finding one by id or name, and the `get`, `delete` and `list` commands built on that.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "absl/strings/match.h"
#include "cli/calls.h"
#include "cli/commands.h"
#include "cli/listing.h"
#include "rolecall/v1/directory.grpc.pb.h"

namespace rolecall::cli {

using DirectoryStub = v1::DirectoryService::Stub;

// A positional argument: its name in the usage ("CLOUD") and its help.
struct Positional {
  const char* name;
  const char* help;
};

// A kind of object that has a Get RPC: how commands name one and how it is found.
template <typename Request, typename Item>
struct Kind {
  const char* noun;   // "user group", as in "deleted user group ug_…"
  Positional target;  // the positional naming one
  UnaryRpc<DirectoryStub, Request, Item> get;
  const char* id_prefix;                          // what starts with it is an id ("cld_")
  void (*by_id)(Request&, const std::string&);    // sets the id on a Get request
  void (*by_name)(Request&, const std::string&);  // sets the name; null: only ids name one
  const std::string& (*id_of)(const Item&);       // the id of a found item
};

// The Get request for `given`: by name unless it looks like an id (or the kind has no names).
template <typename Request, typename Item>
Request GetRequestFor(const Kind<Request, Item>& kind, const std::string& given) {
  Request request;
  if (kind.by_name != nullptr && !absl::StartsWith(given, kind.id_prefix)) {
    kind.by_name(request, given);
  } else {
    kind.by_id(request, given);
  }
  return request;
}

// The id of the object `given` (an id, or a name looked up on the server), or none after
// reporting the server's message (exit code 1).
template <typename Request, typename Item>
std::optional<std::string> ResolveId(CommandEnv& env, const Kind<Request, Item>& kind,
                                     const std::string& given) {
  if (kind.by_name == nullptr || absl::StartsWith(given, kind.id_prefix)) return given;
  Item found;
  const grpc::Status status = Call(env, kind.get, GetRequestFor(kind, given), &found);
  if (!status.ok()) {
    env.Fail(status.error_message());
    return std::nullopt;
  }
  return kind.id_of(found);
}

// Turns what a user gave into an id (see ResolveId); null where what is given is the id.
using Resolver = std::function<std::optional<std::string>(CommandEnv&, const std::string&)>;

template <typename Request, typename Item>
Resolver ResolverOf(const Kind<Request, Item>& kind) {
  return [&kind](CommandEnv& env, const std::string& given) { return ResolveId(env, kind, given); };
}

// The options of a command on one object: the positional naming it.
struct Target {
  std::string value;
  bool json = false;  // deletes: print the response (with its consistency_token)
};

// Prints an API message as JSON (proto field names, 2-space indent).
inline void PrintOne(const google::protobuf::Message& message) {
  std::cout << Pretty(ProtoJson(message));
}

// `get TARGET`: one object, as JSON.
template <typename Request, typename Item>
Command<Target> GetCommand(const char* description, const Kind<Request, Item>& kind) {
  return {"get", description,
          [&kind](CLI::App& cmd, Target& o) {
            cmd.add_option(kind.target.name, o.value, kind.target.help)->required();
          },
          [&kind](CommandEnv& env, const Target& o) {
            if (auto found = CallOrFail(env, kind.get, GetRequestFor(kind, o.value))) {
              PrintOne(*found);
            }
          }};
}

// A delete (or revoke) of one object by id.
template <typename Request>
struct Deletion {
  const char* name = "delete";
  const char* description;
  Positional target;
  Resolver resolve = nullptr;  // the id from what was given; null: it is the id
  UnaryRpc<DirectoryStub, Request, v1::DeleteResponse> rpc;
  void (*set_id)(Request&, const std::string&);
  const char* done;  // printed before the id: "deleted cloud"
};

template <typename Request>
Command<Target> DeleteCommand(Deletion<Request> spec) {
  const Positional target = spec.target;
  return {spec.name, spec.description,
          [target](CLI::App& cmd, Target& o) {
            cmd.add_option(target.name, o.value, target.help)->required();
            cmd.add_flag("--json", o.json, "Print the response (with its consistency_token)");
          },
          [spec = std::move(spec)](CommandEnv& env, const Target& o) {
            const std::optional<std::string> id =
                spec.resolve ? spec.resolve(env, o.value) : o.value;
            if (!id) return;
            Request request;
            spec.set_id(request, *id);
            if (auto out = CallOrFail(env, spec.rpc, request)) {
              if (o.json) {
                PrintOne(*out);
              } else {
                std::cout << spec.done << " " << *id << "\n";
              }
            }
          }};
}

// An optional flag restricting a directory list to one parent: `--cloud` for projects.
struct ParentFlag {
  const char* flag = nullptr;  // null: the list has none
  const char* help = nullptr;
  Resolver resolve;  // the parent's id from the flag's value
};

// A directory list: `list [--<parent> X] [--name N] [--json]`.
template <typename Page, typename Item>
struct DirectoryList {
  const char* description;
  Listing<DirectoryStub, v1::ListRequest, Page, Item> listing;
  ParentFlag parent = {};
  bool name_filter = true;  // --name
  bool json_flag = true;    // --json/--no-json
};

// The options of a directory list.
struct DirectoryListOptions {
  std::string parent, name;
  bool json = false;
};

template <typename Page, typename Item>
Command<DirectoryListOptions> ListCommand(DirectoryList<Page, Item> spec) {
  auto flags = [parent = spec.parent, name_filter = spec.name_filter, json_flag = spec.json_flag](
                   CLI::App& cmd, DirectoryListOptions& o) {
    if (parent.flag != nullptr) cmd.add_option(parent.flag, o.parent, parent.help);
    if (name_filter) cmd.add_option("--name", o.name, "Filter by name (substring)");
    if (json_flag) cmd.add_flag("--json,!--no-json", o.json, "JSON instead of a table");
  };
  auto run = [spec](CommandEnv& env, const DirectoryListOptions& o) {
    v1::ListRequest request;
    if (!o.parent.empty()) {
      const std::optional<std::string> id = spec.parent.resolve(env, o.parent);
      if (!id) return;
      request.set_parent_id(*id);
    }
    request.set_name(o.name);
    RunList(env, spec.listing, request, Paging{}, o.json);
  };
  return {"list", spec.description, std::move(flags), std::move(run)};
}

}  // namespace rolecall::cli
