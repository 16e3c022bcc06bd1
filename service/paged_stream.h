#pragma once

#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "core/page_token.h"
#include "core/paging.h"
#include "core/status.h"
#include "service/rpc.h"
#include "storage/store.h"

namespace rolecall {

// The paging fields every streamed list request has.
struct PagingRequest {
  int32_t page_size = 0;
  int32_t max_items = 0;
  std::string page_token;
};

// Streams a keyset-paged listing as the contract describes: validates page_size and max_items,
// resumes after the token's cursor (a token bound to `scope`), fetches one page at a time with
// `fetch(after, limit)` and writes each as a message whose next_page_token is empty only after
// the last item. Stops early when the client goes away.
template <typename PageMessage, typename Item>
absl::Status StreamPages(
    Call& call, grpc::ServerWriter<PageMessage>* writer, const std::string& scope,
    const PagingRequest& paging,
    const std::function<absl::StatusOr<Page<Item>>(const std::vector<std::string>&, int)>& fetch,
    const std::function<void(PageMessage&, Item&&)>& add) {
  ASSIGN_OR_RETURN(const int page_size, EffectivePageSize(paging.page_size));
  RETURN_IF_ERROR(CheckMaxItems(paging.max_items));
  std::vector<std::string> after;
  if (!paging.page_token.empty()) {
    ASSIGN_OR_RETURN(after, call.env().tokens.Decode(scope, paging.page_token));
  }
  int64_t remaining = paging.max_items > 0 ? paging.max_items : std::numeric_limits<int64_t>::max();
  while (true) {
    const int limit = static_cast<int>(std::min<int64_t>(page_size, remaining));
    ASSIGN_OR_RETURN(Page<Item> page, fetch(after, limit));
    remaining -= static_cast<int64_t>(page.items.size());
    PageMessage out;
    const int count = static_cast<int>(page.items.size());
    for (auto& item : page.items) add(out, std::move(item));
    if (page.more) out.set_next_page_token(call.env().tokens.Encode(scope, page.last_key));
    if (!call.Write(writer, out, count)) return absl::CancelledError("the client went away");
    if (!page.more || remaining <= 0) return absl::OkStatus();
    after = std::move(page.last_key);
  }
}

}  // namespace rolecall
