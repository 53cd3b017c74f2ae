package io.orderflow.wms;

import io.orderflow.review.UnprocessableEventException;

/** The WMS refused the request as it is (a 4xx validation answer): parked on orderflow.review with its reason. */
public class WmsRejectedException extends UnprocessableEventException {
    public WmsRejectedException(String reason) {
        super(reason);
    }
}
