/** A display-name rule for AuraChat servers built on ICU4J's confusables data (UTS #39). */
module io.aurachat.names.icu {
    requires transitive io.aurachat.core;
    requires com.ibm.icu;

    exports io.aurachat.names.icu;
}
