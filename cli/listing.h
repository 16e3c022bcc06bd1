// The one paged-listing helper of the CLI: reads every page of a server-streamed List RPC
// (honouring page_size and max_items), shows progress on a terminal, prints a table or JSON.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/calls.h"
#include "cli/output.h"
#include "cli/progress.h"

namespace rolecall::cli {

// The items of one page, e.g. `&v1::ListCloudsPage::clouds`.
template <typename Page, typename Item>
using PageItems = const google::protobuf::RepeatedPtrField<Item>& (Page::*)() const;

// A table row for one item.
template <typename Item>
using TableRow = std::vector<std::string> (*)(const Item&);

// The text a list prints for the items it fetched: a table, or with `json` JSON.
template <typename Item>
using ListPrinter = std::function<std::string(const std::vector<Item>& items, bool json)>;

// `items` as a JSON array (2-space indent), each item as `to_json` makes it.
template <typename Item, typename ToJson>
std::string JsonArray(const std::vector<Item>& items, const ToJson& to_json) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& item : items) array.push_back(to_json(item));
  return Pretty(array);
}

// A table with `header` and a `row` per item (the header even when there are none), or a JSON
// array of the items with their proto field names.
template <typename Item>
ListPrinter<Item> TableOrJson(std::vector<std::string> header, TableRow<Item> row) {
  return [header = std::move(header), row](const std::vector<Item>& items, bool json) {
    if (json) return JsonArray(items, [](const Item& item) { return ProtoJson(item); });
    std::vector<std::vector<std::string>> rows;
    rows.reserve(items.size());
    for (const auto& item : items) rows.push_back(row(item));
    return FormatTable(header, rows);
  };
}

// One list: the RPC, the items of its pages and how they print. With a `noun` ("users"), a
// terminal shows progress while they are fetched and a status line closes the list.
template <typename Stub, typename Request, typename Page, typename Item>
struct Listing {
  StreamRpc<Stub, Request, Page> rpc;
  PageItems<Page, Item> items;
  ListPrinter<Item> print;
  std::string noun = {};
};

// Fetches every item `listing.rpc(request)` streams within `paging`, then prints them; a failed
// call is reported on `env`.
template <typename Stub, typename Request, typename Page, typename Item>
void RunList(CommandEnv& env, const Listing<Stub, Request, Page, Item>& listing,
             const Request& request, const Paging& paging, bool json) {
  const std::string& noun = listing.noun;
  Progress progress(env.status, std::cerr, !noun.empty() && isatty(STDERR_FILENO) == 1);
  std::vector<Item> items;
  const grpc::Status status =
      ReadPages<Stub, Request, Page>(env, listing.rpc, request, paging, [&](const Page& page) {
        const auto& got = (page.*listing.items)();
        items.insert(items.end(), got.begin(), got.end());
        if (progress.enabled()) {
          progress.Count("Fetching " + noun, static_cast<int64_t>(items.size()), noun);
        }
        return true;
      });
  if (!status.ok()) {
    progress.Done();
    return env.Fail(status);
  }
  if (progress.enabled()) {
    progress.Update(absl::StrCat("Formatting ", items.size(), " ", noun, "..."), /*force=*/true);
  }
  const std::string text = listing.print(items, json);
  progress.Done();
  std::cout << text;
  if (noun.empty()) return;
  env.status.Print(items.empty() ? absl::StrCat("No ", noun, " found.")
                                 : absl::StrCat("Fetched ", items.size(), " ", noun, "."));
}

}  // namespace rolecall::cli
