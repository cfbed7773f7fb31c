package cfclient

// maxPerPage is the largest page Cloudflare serves on the Secrets Store lists.
const maxPerPage = 100

// collectPages calls fetch for page 1, 2, ... until a page is empty or result_info says the
// last page was reached. It never assumes one page is all there is.
func collectPages[T any](fetch func(page int) ([]T, *resultInfo, error)) ([]T, error) {
	var all []T
	for page := 1; ; page++ {
		items, info, err := fetch(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if len(items) == 0 || info == nil || info.PerPage <= 0 || page*info.PerPage >= info.TotalCount {
			return all, nil
		}
	}
}
