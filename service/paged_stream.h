#pragma once

#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/page_token.h"
#include "core/paging.h"
#include "core/status.h"
#include "service/rpc.h"
#include "storage/records.h"

namespace rolecall {

// Streams a keyset-paged listing as the contract describes, for any listing RPC: validates the
// request's page_size and max_items, resumes after its page token's cursor (a token bound to
// the organization, the method and `filters`), fetches one page at a time with
// `fetch(after, limit)` (returning absl::StatusOr<Page<Item, Cursor>>) and writes each as a
// message whose `items` field holds the page, whose next_page_token is empty only after the
// last item and whose consistency_token is the state storage read it at. Stops early when the
// client goes away. A listing handler is one call of this.
template <typename Cursor, typename Request, typename PageMessage, typename Item, typename Fetch>
absl::Status StreamPages(Call& call, const Request& request,
                         grpc::ServerWriter<PageMessage>* writer,
                         const std::vector<std::string>& filters,
                         google::protobuf::RepeatedPtrField<Item>* (PageMessage::*items)(),
                         const Fetch& fetch) {
  ASSIGN_OR_RETURN(const int page_size, EffectivePageSize(request.page_size()));
  RETURN_IF_ERROR(CheckMaxItems(request.max_items()));
  const PageTokenCodec& tokens = call.env().tokens;
  const std::string scope = PageScope(call.caller().org_id, call.method(), filters);
  ASSIGN_OR_RETURN(std::optional<Cursor> after,
                   tokens.DecodeCursor<Cursor>(scope, request.page_token()));
  int64_t remaining =
      request.max_items() > 0 ? request.max_items() : std::numeric_limits<int64_t>::max();
  using ItemPage = Page<Item, Cursor>;
  while (true) {
    const int limit = static_cast<int>(std::min<int64_t>(page_size, remaining));
    ASSIGN_OR_RETURN(ItemPage page, fetch(after, limit));
    remaining -= static_cast<int64_t>(page.items.size());
    PageMessage out;
    const int count = static_cast<int>(page.items.size());
    for (Item& item : page.items) *(out.*items)()->Add() = std::move(item);
    if (page.next) out.set_next_page_token(tokens.EncodeCursor(scope, *page.next));
    call.StampConsistencyToken(&out);
    if (!call.Write(writer, out, count)) return absl::CancelledError("the client went away");
    if (!page.next || remaining <= 0) return absl::OkStatus();
    after = std::move(page.next);
  }
}

}  // namespace rolecall
