package sink

import "strings"

// ResourceRegion returns the region a configured resource lives in: the
// fourth field of an ARN (SNS topic, EventBridge bus, Secrets Manager
// secret, SSM parameter, API Gateway or Lambda invoke ARN), or the region
// in an SQS queue URL's host (sqs.<region>.amazonaws.com[.cn]). It returns
// "" for a plain name (a bus name, an SSM parameter name), which lives in
// the function's own region. A client built for a resource uses its
// region, so that one sink shared by the stacks of several regions is
// reached where it is; the SDK derives the partition's endpoint (for
// example amazonaws.com.cn) from the region.
func ResourceRegion(ref string) string {
	if rest, ok := strings.CutPrefix(ref, "arn:"); ok {
		parts := strings.SplitN(rest, ":", 4)
		if len(parts) == 4 && ValidRegion(parts[2]) {
			return parts[2]
		}
		return ""
	}
	if m := queueURLRE().FindStringSubmatch(ref); m != nil {
		return m[1]
	}
	return ""
}

// regionFor returns the region of ref, or own when ref names none.
func regionFor(ref, own string) string {
	if r := ResourceRegion(ref); r != "" {
		return r
	}
	return own
}
